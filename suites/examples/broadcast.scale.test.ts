// Example scenario: every member of a room gets a broadcast over its websocket. Copy this file to
// start a new scenario; docs/writing-scenarios.md walks through it step by step.

import { concurrent, expect, formatResultsText, scaleTest } from '@scaletest/vitest'
import { memberRunner, type RoomEvent } from './member-runner.ts'
import { startRoomServer } from './room-server.ts'

const MEMBERS = 25

// The target under test, started once per file and closed after every test's harness cleaned up.
// biome-ignore lint/correctness/noEmptyPattern: Vitest reads fixture dependencies from this pattern
const test = scaleTest.extend('room', { scope: 'file' }, async ({}, { onCleanup }) => {
  const server = await startRoomServer()
  onCleanup(() => server.close())
  return server
})

test('a broadcast reaches every member of the room', async ({
  room,
  harness,
  barrier,
  waitBuffer,
  metrics,
  logger,
}) => {
  const connected = barrier(MEMBERS, { name: 'websockets connected', timeoutMs: 10_000 })
  const latency = metrics.histogram('example_broadcast_latency_seconds', {
    help: 'broadcast → websocket receipt',
  })

  for (let i = 0; i < MEMBERS; i++) {
    const events = waitBuffer<RoomEvent>({ name: `events of member-${i}` })
    harness.add(
      'broadcast',
      `member-${i}`,
      memberRunner({ ...room, room: 'lobby', connected, events, latency }),
    )
  }

  const running = harness.run(concurrent())
  await connected.wait() // every websocket is open: now trigger the event under test
  const res = await fetch(`${room.url}/api/rooms/lobby/broadcast`, {
    method: 'POST',
    body: JSON.stringify({ text: 'hello, members' }),
  })
  expect(await res.json()).toEqual({ delivered: MEMBERS })

  const results = await running
  logger.info(formatResultsText(results))
  expect(results).toHaveNoFailures()
  expect(results.total_runs).toBe(MEMBERS)
  expect(results.runs['broadcast/member-0']?.logs).toContain('websocket open')
  expect(latency.stats().count).toBe(MEMBERS)

  // The fixture would clean up at teardown anyway; doing it here lets the test check the effect.
  const cleanup = await harness.cleanup()
  expect(cleanup.total_fail).toBe(0)
  await room.log.waitForNth('DELETE /api/rooms/lobby/members/', MEMBERS, { timeoutMs: 5_000 })
  expect(room.memberCount('lobby')).toBe(0)
})

test('a member that cannot join releases the others instead of hanging them', async ({
  room,
  harness,
  barrier,
  waitBuffer,
  metrics,
}) => {
  const connected = barrier(3, { name: 'websockets connected', timeoutMs: 10_000 })
  const latency = metrics.histogram('example_broadcast_latency_seconds')
  for (let i = 0; i < 2; i++) {
    const events = waitBuffer<RoomEvent>()
    harness.add('join', `member-${i}`, memberRunner({ ...room, room: 'hall', connected, events, latency }))
  }
  // An invalid room name gets a 404 from the server, so this member fails before the barrier.
  harness.add(
    'join',
    'lost',
    memberRunner({ ...room, room: 'no/such', connected, events: waitBuffer(), latency }),
  )

  const results = await harness.run(concurrent())
  expect(results.total_fail).toBe(3)
  expect(results.runs['join/lost']?.error).toMatch(/status 404/)
  // The others fail fast with the reason, wherever they were (joining, dialing or waiting).
  for (const id of ['join/member-0', 'join/member-1']) {
    expect(results.runs[id]?.error).toMatch(
      /websockets connected: failed with [0-2]\/3 arrived: lost: .*status 404/,
    )
  }
  expect(connected.state).toBe('failed')
})
