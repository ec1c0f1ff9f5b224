import { describe, expect, it } from 'vitest'

import { parseListenAddress, startMetricsServer } from './metrics-server.ts'

describe('metrics server', () => {
  it('serves /metrics and /healthz, 404 elsewhere, 405 for writes', async () => {
    const server = await startMetricsServer('127.0.0.1:0', async () => 'x_total 1\n')
    try {
      const metrics = await fetch(`${server.url}/metrics`)
      expect(metrics.status).toBe(200)
      expect(metrics.headers.get('content-type')).toContain('text/plain; version=0.0.4')
      expect(await metrics.text()).toBe('x_total 1\n')
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
      expect((await fetch(`${server.url}/nope`)).status).toBe(404)
      expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).toBe(405)
    } finally {
      await server.close()
    }
    await expect(fetch(`${server.url}/metrics`)).rejects.toThrow()
  })

  it('answers 500 with the cause when rendering fails', async () => {
    const server = await startMetricsServer('127.0.0.1:0', async () => {
      throw new Error('boom')
    })
    try {
      const response = await fetch(`${server.url}/metrics`)
      expect(response.status).toBe(500)
      expect(await response.text()).toContain('boom')
    } finally {
      await server.close()
    }
  })

  it('names the address when the port is taken', async () => {
    const first = await startMetricsServer('127.0.0.1:0', async () => '')
    try {
      const taken = first.url.replace('http://', '')
      await expect(startMetricsServer(taken, async () => '')).rejects.toThrow(
        `cannot serve /metrics on ${taken} (SCALETEST_PROMETHEUS_ADDRESS): listen EADDRINUSE`,
      )
    } finally {
      await first.close()
    }
  })

  it('parses HOST:PORT and rejects anything else', () => {
    expect(parseListenAddress('127.0.0.1:21112')).toEqual({ host: '127.0.0.1', port: 21112 })
    expect(parseListenAddress('[::1]:9')).toEqual({ host: '::1', port: 9 })
    expect(() => parseListenAddress('21112')).toThrow('SCALETEST_PROMETHEUS_ADDRESS="21112" is not HOST:PORT')
    expect(() => parseListenAddress('h:70000')).toThrow(/not HOST:PORT/)
  })
})
