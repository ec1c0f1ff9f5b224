// The two connections a workspace-traffic runner can carry its bytes over (Coder:
// scaletest/workspacetraffic/conn.go). The reconnecting PTY runs `dd … of=/dev/null` and the
// terminal echoes the input (newline as \r\n); ending it sends Ctrl-C and waits for the session to
// close. The app socket (`--app`) is a WebSocket to the workspace app, whose echo sends the bytes
// back as they were; ending it closes the socket.

import type { AppWebSocket, CoderClient, ReconnectingPty } from '@scaletest/vitest'

/** How long a closing session may take before the run fails (Coder: waitCloseTimeout). */
const CLOSE_GRACE_MS = 30_000

export type TrafficTarget =
  | { kind: 'pty'; agentId: string }
  /** A path-based app URL, `<deployment>/@owner/workspace.agent/apps/slug/`. */
  | { kind: 'app'; slug: string; url: URL }

export interface TrafficConn {
  readonly description: string
  /** The bytes that come back for one tick's line of `bytesPerTick` bytes. */
  echoOf(bytesPerTick: number): number
  onData(listener: (chunk: Buffer) => void): void
  write(line: string): Promise<void>
  readonly closed: Promise<unknown>
  /** Ends the connection the way Coder's runner does at the deadline. */
  end(log: (message: string) => void): Promise<void>
}

export async function connectTraffic(
  coder: CoderClient,
  target: TrafficTarget,
  bytesPerTick: number,
  signal: AbortSignal,
): Promise<TrafficConn> {
  if (target.kind === 'app') {
    let app: AppWebSocket
    try {
      app = await coder.appWebSocket(target.url, { signal })
    } catch (error) {
      throw new Error(`connect to workspace app: websocket dial: ${(error as Error).message}`, {
        cause: error,
      })
    }
    return appConn(app, target.slug)
  }
  const command = `dd if=/dev/stdin of=/dev/null bs=${bytesPerTick} status=none`
  try {
    return ptyConn(await coder.reconnectingPty(target.agentId, { command, width: 80, height: 25, signal }))
  } catch (error) {
    throw new Error(`connect to workspace via reconnectingpty: ${(error as Error).message}`, { cause: error })
  }
}

function appConn(app: AppWebSocket, slug: string): TrafficConn {
  return {
    description: `app ${slug} (${app.endpoint})`,
    echoOf: (bytes) => bytes,
    onData: (listener) => void app.onData(listener),
    write: (line) => app.write(line),
    closed: app.closed,
    async end(log) {
      await app.close()
      log(`app socket closed; ${app.bytesRead} bytes read, ${app.bytesWritten} bytes written`)
    },
  }
}

function ptyConn(pty: ReconnectingPty): TrafficConn {
  return {
    description: `reconnecting PTY ${pty.reconnect}`,
    echoOf: (bytes) => bytes + 1,
    onData: (listener) => void pty.onData(listener),
    write: (line) => pty.write(line),
    closed: pty.closed,
    // Ctrl-C ends dd and with it the session; close ourselves if it does not within the grace.
    async end(log) {
      if (pty.open) await pty.write('\x03').catch(() => {})
      let timer: NodeJS.Timeout | undefined
      const closed = await Promise.race([
        pty.closed.then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), CLOSE_GRACE_MS)
        }),
      ])
      clearTimeout(timer)
      if (!closed) log('warn: the PTY did not close after Ctrl-C; closing it')
      await pty.close()
      log(`PTY closed; ${pty.bytesRead} bytes read, ${pty.bytesWritten} bytes of frames written`)
    },
  }
}
