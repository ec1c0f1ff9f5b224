import type { MockSetRequest, StartedMockSet } from './mock-set.ts'
import { closeAll, settleStarts } from './mock-set.ts'
import type { MockName } from './mocks-env.ts'

/** In-process mode: the mocks run inside the Vitest main process, on 127.0.0.1 and free ports. */
export async function startInprocessMocks(request: MockSetRequest): Promise<StartedMockSet> {
  const mocks = await import('@scaletest/mocks')
  const wants = (name: MockName) => request.start.includes(name)
  const [llm, smtp] = await settleStarts([
    wants('llm') ? mocks.startLlmMock({ host: '127.0.0.1', port: 0 }) : undefined,
    wants('smtp') ? mocks.startSmtpMock({ host: '127.0.0.1', smtpPort: 0, apiPort: 0 }) : undefined,
  ])
  const first = { llm, smtp }
  const smtpTarget = first.smtp
    ? { host: first.smtp.smtpHost, port: first.smtp.smtpPort }
    : request.externalSmtp
  const llmUrl = first.llm?.url ?? request.externalLlmUrl
  let coderd: { url: string; close(): Promise<void> } | undefined
  try {
    coderd = wants('coderd')
      ? await mocks.startCoderdSimulator({
          host: '127.0.0.1',
          port: 0,
          firstUser: request.firstUser,
          ...(smtpTarget ? { emailSmarthost: `${smtpTarget.host}:${smtpTarget.port}` } : {}),
          // AI Bridge forwards to the LLM mock of this run.
          ...(llmUrl ? { aibridge: { openaiBaseUrl: `${llmUrl}/v1`, anthropicBaseUrl: llmUrl } } : {}),
        })
      : undefined
  } catch (error) {
    await closeAll([first.llm, first.smtp])
    throw error
  }
  let closing: Promise<void> | undefined
  return {
    llmUrl: first.llm?.url,
    smtpHost: first.smtp?.smtpHost,
    smtpPort: first.smtp?.smtpPort,
    smtpApiUrl: first.smtp?.apiUrl,
    coderUrl: coderd?.url,
    close() {
      closing ??= closeAll([coderd, first.llm, first.smtp])
      return closing
    },
    killNow() {}, // nothing outlives this process
  }
}
