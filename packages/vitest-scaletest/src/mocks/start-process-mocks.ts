import type { MockProcess } from './mock-process.ts'
import { startMockProcess } from './mock-process.ts'
import type { MockSetRequest, StartedMockSet } from './mock-set.ts'
import { closeAll, settleStarts } from './mock-set.ts'
import type { MockName } from './mocks-env.ts'

// The listen lines every mock CLI prints (packages/mocks/src/cli.ts documents them).
const LLM_LINE = /llm mock listening on (http:\/\/\S+)/
const SMTP_LINE = /smtp mock listening on smtp:\/\/(\S+):(\d+)/
const SMTP_API_LINE = /smtp mock API listening on (http:\/\/\S+)/
const CODERD_LINE = /coderd simulator listening on (http:\/\/\S+)/

type Closable = MockProcess & { close(): Promise<void> }

/** Process mode: each mock is a child process of the CLI, bound to 127.0.0.1 on a free port. */
export async function startProcessMocks(request: MockSetRequest): Promise<StartedMockSet> {
  const wants = (name: MockName) => request.start.includes(name)
  const start = async (
    command: string,
    args: string[],
    ready: Record<string, RegExp>,
    env?: NodeJS.ProcessEnv,
  ) => {
    const child = await startMockProcess(command, args, {
      ready,
      env,
      onSpawn: (pid) => request.onChild?.({ pid }),
    })
    return Object.assign(child, { close: () => child.stop() }) as Closable
  }

  const [llm, smtp] = await settleStarts([
    wants('llm') ? start('llm', ['--address', '127.0.0.1:0'], { url: LLM_LINE }) : undefined,
    wants('smtp')
      ? start('smtp', ['--host', '127.0.0.1', '--port', '0', '--api-port', '0'], {
          smtp: SMTP_LINE,
          api: SMTP_API_LINE,
        })
      : undefined,
  ])
  const first = { llm, smtp }
  const smtpTarget = first.smtp
    ? { host: first.smtp.matches.smtp![1]!, port: Number(first.smtp.matches.smtp![2]) }
    : request.externalSmtp
  // AI Bridge forwards to the LLM mock of this run.
  const llmUrl = captured(first.llm, 'url') ?? request.externalLlmUrl
  let coderd: Closable | undefined
  try {
    coderd = wants('coderd')
      ? await start(
          'coderd',
          [
            '--address',
            '127.0.0.1:0',
            '--first-user-email',
            request.firstUser.email,
            '--first-user-username',
            request.firstUser.username,
            ...(smtpTarget ? ['--email-smarthost', `${smtpTarget.host}:${smtpTarget.port}`] : []),
            ...(llmUrl
              ? ['--aibridge-openai-base-url', `${llmUrl}/v1`, '--aibridge-anthropic-base-url', llmUrl]
              : []),
          ],
          { url: CODERD_LINE },
          { CODER_FIRST_USER_PASSWORD: request.firstUser.password },
        )
      : undefined
  } catch (error) {
    await closeAll([first.llm, first.smtp])
    throw error
  }

  const children = [first.llm, first.smtp, coderd].filter((c): c is Closable => c !== undefined)
  let closing: Promise<void> | undefined
  return {
    llmUrl: captured(first.llm, 'url'),
    smtpHost: first.smtp ? smtpTarget?.host : undefined,
    smtpPort: first.smtp ? smtpTarget?.port : undefined,
    smtpApiUrl: captured(first.smtp, 'api'),
    coderUrl: captured(coderd, 'url'),
    close() {
      closing ??= closeAll(children)
      return closing
    },
    killNow() {
      for (const child of children) child.killNow()
    },
  }
}

/** A listen line's first capture group, e.g. the URL. */
function captured(child: MockProcess | undefined, line: string): string | undefined {
  return child?.matches[line]?.[1]
}
