// One room member: join over HTTP, watch over a websocket, wait for the others, then wait for the
// broadcast and record its delivery latency. Cleanup leaves the room.

import { once } from 'node:events'

import WebSocket from 'ws'

import type { Barrier, HistogramMetric, Runner, WaitBuffer } from '@scaletest/vitest'

export interface RoomEvent {
  type: string
  text?: string
  sentAt?: number
}

export interface MemberRunnerDeps {
  url: string
  wsUrl: string
  room: string
  /** Every member calls done() once its websocket is open; the test broadcasts after it opens. */
  connected: Barrier
  /** Where this member's websocket events go. */
  events: WaitBuffer<RoomEvent>
  latency: HistogramMetric
}

export function memberRunner(deps: MemberRunnerDeps): Runner {
  let memberId: string | undefined
  let latencyMs: number | undefined
  return {
    async run({ id, signal, log, http }) {
      const client = http({ baseUrl: deps.url })
      let socket: WebSocket | undefined
      let arrived = false
      try {
        const joined = await client.json<{ memberId: string }>(`/api/rooms/${deps.room}/members`, {
          method: 'POST',
          json: { name: id },
          signal,
        })
        memberId = joined.memberId
        log('joined as member %s', memberId)

        socket = new WebSocket(`${deps.wsUrl}/api/rooms/${deps.room}/watch?member=${memberId}`)
        socket.on('message', (data) => deps.events.push(JSON.parse(String(data)) as RoomEvent))
        await once(socket, 'open', { signal })
        await deps.events.waitForEvent((e) => e.type === 'welcome', { signal, timeoutMs: 5_000 })
        log('websocket open')
        arrived = true
        deps.connected.done()
        await deps.connected.wait({ signal })

        const event = await deps.events.waitForEvent((e) => e.type === 'broadcast', {
          signal,
          timeoutMs: 10_000,
        })
        latencyMs = Date.now() - (event.sentAt ?? Date.now())
        deps.latency.observe(latencyMs / 1000)
        log('broadcast %j after %dms', event.text, latencyMs)
      } catch (err) {
        // Release the others at once instead of letting them wait for a member that will never arrive.
        if (!arrived) deps.connected.fail(new Error(`${id}: ${err instanceof Error ? err.message : err}`))
        throw err
      } finally {
        socket?.close()
      }
    },

    async cleanup({ http, signal, log }) {
      if (memberId === undefined) return
      const res = await http({ baseUrl: deps.url }).request(`/api/rooms/${deps.room}/members/${memberId}`, {
        method: 'DELETE',
        signal,
      })
      await res.body.text()
      if (res.statusCode !== 204 && res.statusCode !== 404)
        throw new Error(`leave room: status ${res.statusCode}`)
      log('left the room')
    },

    metrics: () => ({ member_id: memberId ?? null, latency_ms: latencyMs ?? null }),
  }
}
