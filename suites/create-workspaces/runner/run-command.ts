// Coder's reconnectingpty runner (scaletest/reconnectingpty/run.go): run one command on the agent
// over the reconnecting PTY and read until it exits or the timeout passes. Expecting a timeout
// makes an early exit the failure; an expected output must appear in what was read.

import type { CoderClient } from '@scaletest/vitest'
import type { RunCommandConfig } from '../config.ts'

export interface CommandResult {
  output: string
  timedOut: boolean
}

export async function runCommand(
  client: CoderClient,
  agentId: string,
  config: RunCommandConfig,
  signal: AbortSignal,
  log: (message: string) => void,
): Promise<CommandResult> {
  await using pty = await client.reconnectingPty(agentId, {
    command: config.command,
    width: 80,
    height: 25,
    signal,
  })
  let timer: NodeJS.Timeout | undefined
  const timedOut = await Promise.race([
    pty.closed.then(() => false),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), config.timeoutMs)
    }),
  ])
  clearTimeout(timer)
  const output = pty.output()
  if (config.logOutput) log(`command output:\n${output}`)
  if (timedOut && !config.expectTimeout)
    throw new Error(`command "${config.command}" did not exit within ${config.timeoutMs}ms`)
  if (!timedOut && config.expectTimeout)
    throw new Error(`command "${config.command}" exited before the expected ${config.timeoutMs}ms timeout`)
  if (config.expectOutput && !output.includes(config.expectOutput))
    throw new Error(
      `command output does not contain ${JSON.stringify(config.expectOutput)} (read ${output.length} bytes)`,
    )
  log(`command ${timedOut ? 'timed out as expected' : 'exited'}; ${pty.bytesRead} byte(s) read`)
  return { output, timedOut }
}
