// Real Prometheus and Pushgateway processes for integration tests: 127.0.0.1, free ports, temp dirs.

import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { requireBinary } from './binaries.ts'

export async function freePort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

export interface Daemon {
  url: string
  output(): string
  [Symbol.asyncDispose](): Promise<void>
}

async function startDaemon(binary: string, args: string[], url: string, dir: string): Promise<Daemon> {
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (d: Buffer) => (output += d))
  child.stderr?.on('data', (d: Buffer) => (output += d))
  const exited = once(child, 'exit')
  const dispose = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    }
    await rm(dir, { recursive: true, force: true })
  }
  const deadline = Date.now() + 15_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    )
    if (ready) return { url, output: () => output, [Symbol.asyncDispose]: dispose }
    await new Promise((r) => setTimeout(r, 100))
  }
  await dispose()
  throw new Error(`${binary} did not become ready at ${url}:\n${output}`)
}

export async function startPushgateway(): Promise<Daemon> {
  const binary = requireBinary('/usr/bin/prometheus-pushgateway', 'prometheus-pushgateway')
  const dir = await mkdtemp(join(tmpdir(), 'st-pushgateway-'))
  const port = await freePort()
  return startDaemon(
    binary,
    [`--web.listen-address=127.0.0.1:${port}`, `--persistence.file=${join(dir, 'pushgateway.data')}`],
    `http://127.0.0.1:${port}`,
    dir,
  )
}

/** Prometheus scraping `target` (HOST:PORT) every 500 ms as job "scaletest". */
export async function startPrometheus(target: string): Promise<Daemon> {
  const binary = requireBinary('/usr/bin/prometheus', 'prometheus')
  const dir = await mkdtemp(join(tmpdir(), 'st-prometheus-'))
  const port = await freePort()
  const config = join(dir, 'prometheus.yml')
  await writeFile(
    config,
    `global:\n  scrape_interval: 500ms\n  scrape_timeout: 400ms\nscrape_configs:\n  - job_name: scaletest\n    static_configs:\n      - targets: ['${target}']\n`,
  )
  return startDaemon(
    binary,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    `http://127.0.0.1:${port}`,
    dir,
  )
}
