// An answer as data: bursts of bytes, each after a delay, then a clean end or a TCP reset.
// The node:http listener and the msw handlers both play the same outcomes.

import type { Endpoint } from './metrics.ts'
import type { FaultMode } from './options.ts'
import { releaseBuffer } from './render.ts'

export interface Burst {
  delayMs: number
  data: string | Uint8Array
}

export interface Outcome {
  endpoint: Endpoint
  status: number
  headers: Record<string, string>
  bursts: Burst[]
  end: 'end' | 'reset'
  /** A streamed (SSE) answer: counted in the active-streams gauge. */
  stream: boolean
  /** Set when the bytes are pooled: call once the last burst has been written out. */
  release?: () => void
}

export interface Shaping {
  latencyMs: number
  /** Total time the events are spread over; 0 sends them all at once. */
  durationMs: number
  fault: FaultMode | undefined
  stallMs: number
  brokenEvent: string
}

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' }

/** Lays out SSE events over time, applying the stream-level faults. */
export function streamOutcome(
  endpoint: Endpoint,
  events: string[],
  shaping: Shaping,
  headers: Record<string, string>,
) {
  const half = Math.max(1, Math.floor(events.length / 2))
  let chunks = events
  let stallAt = -1
  let end: Outcome['end'] = 'end'
  switch (shaping.fault) {
    case 'truncate':
      chunks = events.slice(0, half)
      break
    case 'reset':
      chunks = events.slice(0, half)
      end = 'reset'
      break
    case 'malformed':
      chunks = [...events.slice(0, half), shaping.brokenEvent, ...events.slice(half)]
      break
    case 'stall':
      stallAt = half
      break
  }
  const interval = chunks.length > 1 ? shaping.durationMs / (chunks.length - 1) : 0
  const bursts: Burst[] = []
  if (interval > 0) {
    chunks.forEach((data, i) => {
      const delayMs = (i === 0 ? shaping.latencyMs : interval) + (i === stallAt ? shaping.stallMs : 0)
      bursts.push({ delayMs, data })
    })
  } else if (stallAt > 0) {
    bursts.push(
      { delayMs: shaping.latencyMs, data: chunks.slice(0, stallAt).join('') },
      { delayMs: shaping.stallMs, data: chunks.slice(stallAt).join('') },
    )
  } else {
    bursts.push({ delayMs: shaping.latencyMs, data: chunks.join('') })
  }
  return {
    endpoint,
    status: 200,
    headers: { ...SSE_HEADERS, ...headers },
    bursts,
    end,
    stream: true,
  } satisfies Outcome
}

/** A whole stream already rendered into one buffer: the fast path when there is no pacing or fault. */
export function wholeStreamOutcome(
  endpoint: Endpoint,
  bytes: Uint8Array,
  latencyMs: number,
  headers: Record<string, string>,
): Outcome {
  const bursts = [{ delayMs: latencyMs, data: bytes }]
  const release = () => releaseBuffer(bytes)
  return {
    endpoint,
    status: 200,
    headers: { ...SSE_HEADERS, ...headers },
    bursts,
    end: 'end',
    stream: true,
    release,
  }
}

/** A JSON answer, with the body-level faults: cut in half, broken, reset before a byte, or late. */
export function jsonOutcome(
  endpoint: Endpoint,
  status: number,
  body: string,
  shaping: Pick<Shaping, 'latencyMs' | 'fault' | 'stallMs'>,
  headers: Record<string, string> = {},
): Outcome {
  const base = { endpoint, status, end: 'end' as const, stream: false }
  const json = { 'content-type': 'application/json', ...headers }
  switch (shaping.fault) {
    case 'truncate':
      return {
        ...base,
        headers: json,
        bursts: [{ delayMs: shaping.latencyMs, data: body.slice(0, body.length >> 1) }],
      }
    case 'malformed':
      return {
        ...base,
        headers: json,
        bursts: [{ delayMs: shaping.latencyMs, data: `${body.slice(0, -1)},}` }],
      }
    case 'reset':
      return { ...base, headers: json, bursts: [], end: 'reset' }
    case 'stall':
      return {
        ...base,
        headers: json,
        bursts: [{ delayMs: shaping.latencyMs + shaping.stallMs, data: body }],
      }
    default:
      return { ...base, headers: json, bursts: [{ delayMs: shaping.latencyMs, data: body }] }
  }
}
