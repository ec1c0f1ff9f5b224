#!/usr/bin/env node
// scaletest-mocks <llm|smtp|coderd> [flags]: starts one mock, prints where it listens, and runs
// until SIGINT or SIGTERM, when it closes its listeners and exits.
import { realpathSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

export interface StartedCli {
  close(): Promise<void>
}

type CliCommand = (argv: string[]) => Promise<StartedCli>

const commands: Record<string, { summary: string; load: () => Promise<CliCommand> }> = {
  llm: {
    summary: 'OpenAI- and Anthropic-compatible LLM mock',
    load: async () => (await import('./llm/cli.ts')).runLlmCli,
  },
  smtp: {
    summary: 'SMTP sink with an HTTP API for captured notification emails',
    load: async () => (await import('./smtp/cli.ts')).runSmtpCli,
  },
  coderd: {
    summary: 'in-memory simulator of the Coder API subset the scenarios use',
    load: async () => (await import('./coderd/cli.ts')).runCoderdCli,
  },
}

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(8)}${c.summary}`)
  return [
    'usage: scaletest-mocks <command> [flags]',
    '',
    'commands:',
    ...lines,
    '',
    'Run a command with --help for its flags.',
  ].join('\n')
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h') {
    console.log(usage())
    return name ? 0 : 2
  }
  const command = commands[name]
  if (!command) {
    console.error(`unknown command '${name}'\n\n${usage()}`)
    return 2
  }
  let started: StartedCli
  try {
    started = await (await command.load())(rest)
  } catch (error) {
    console.error(`scaletest-mocks ${name}: ${(error as Error).message}`)
    return 2
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    await started.close()
    return 0
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  await started.close()
  return 0
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2))
}
