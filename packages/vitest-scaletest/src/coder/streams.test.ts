import { randomUUID } from 'node:crypto'

import { HttpResponse, http } from 'msw'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WebSocket } from 'ws'

import { CoderClient } from './client.ts'
import { CoderApiError, CoderResponseShapeError, CoderStreamError, CoderTimeoutError } from './errors.ts'
import { serveMsw } from './msw-test-server.ts'
import { TEMPLATE_DELETED_NOTIFICATION_ID } from './notification-ids.ts'
import { sampleInboxFrame, sampleWorkspace } from './sample-responses.ts'
import { parseSse } from './sse-stream.ts'

const TOKEN = 'inbox-secret-token-0123456789'
const workspace = sampleWorkspace()
const encoder = new TextEncoder()

function sseBody(chunks: string[]): HttpResponse<ReadableStream> {
  const stream = new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk))
      controller.close()
    },
  })
  return new HttpResponse(stream, { headers: { 'content-type': 'text/event-stream' } })
}

/** Server-side behaviour per websocket `scenario` query parameter. */
const scenarios: Record<string, (socket: WebSocket) => void> = {
  frames(socket) {
    socket.send(JSON.stringify(sampleInboxFrame(randomUUID(), 1)))
    socket.send(JSON.stringify(sampleInboxFrame(TEMPLATE_DELETED_NOTIFICATION_ID, 2)))
  },
  drifted(socket) {
    socket.send(JSON.stringify({ notification: { id: 'x' }, unread_count: 'one' }))
  },
  abnormal(socket) {
    socket.send(JSON.stringify(sampleInboxFrame(randomUUID())))
    socket.close(1011, 'internal error')
  },
  silent() {},
  late(socket) {
    setTimeout(() => socket.send(JSON.stringify(sampleInboxFrame(TEMPLATE_DELETED_NOTIFICATION_ID, 7))), 500)
  },
}

let server: Awaited<ReturnType<typeof serveMsw>>
let client: CoderClient
const seenQueries: URLSearchParams[] = []

beforeAll(async () => {
  server = await serveMsw(
    [
      http.get('*/api/v2/workspaces/:id/watch', ({ params }) => {
        if (params.id === 'gone') return HttpResponse.json({ message: 'Resource not found' }, { status: 404 })
        const frame = JSON.stringify(params.id === 'drift' ? { ...workspace, latest_build: null } : workspace)
        const tail =
          params.id === 'broken'
            ? 'event: error\ndata: {"message":"Internal error.","detail":"db down"}\n\n'
            : `: comment\n\nevent: data\ndata: ${JSON.stringify({ ...workspace, name: 'renamed' })}\n\n`
        return sseBody([
          'event: ping\n\n',
          `event: data\r\ndata: ${frame.slice(0, 20)}`,
          `${frame.slice(20)}\r\n\r\n`,
          tail,
        ])
      }),
    ],
    async (req, accept, socket) => {
      const url = new URL(req.url ?? '/', 'http://x')
      seenQueries.push(url.searchParams)
      if (req.headers['coder-session-token'] !== TOKEN) {
        server.refuse(socket, 401, { message: 'You are signed out or your session has expired.' })
        return
      }
      const scenario = scenarios[url.searchParams.get('read_status') ?? '']
      if (!scenario)
        return server.refuse(socket, 400, {
          message: 'Invalid query',
          validations: [{ field: 'read_status', detail: 'bad' }],
        })
      scenario(await accept())
    },
  )
  client = new CoderClient({ url: server.url, sessionToken: TOKEN })
})
afterAll(() => server.close())

// read_status selects the server scenario; real values are tested against the simulator.
const asScenario = (name: string) => name as 'all'

describe('watchInbox', () => {
  it('yields validated frames in order and passes the filters in the query', async () => {
    const templates = [TEMPLATE_DELETED_NOTIFICATION_ID, randomUUID()]
    await using inbox = await client.watchInbox({
      read_status: asScenario('frames'),
      templates,
      format: 'plaintext',
    })
    const first = await inbox.next()
    const deleted = await inbox.waitFor(
      (f) => f.notification.template_id === TEMPLATE_DELETED_NOTIFICATION_ID,
    )
    expect(first?.unread_count).toBe(1)
    expect(deleted.unread_count).toBe(2)
    const query = seenQueries.at(-1)
    expect(query?.get('templates')).toBe(templates.join(','))
    expect(query?.get('format')).toBe('plaintext')
  })

  it('rejects the dial with CoderApiError when Coder refuses the upgrade', async () => {
    const anonymous = new CoderClient({ url: server.url })
    const unauthorized = (await anonymous.watchInbox().catch((e) => e)) as CoderApiError
    expect(unauthorized).toBeInstanceOf(CoderApiError)
    expect(unauthorized.status).toBe(401)
    const invalid = (await client
      .watchInbox({ read_status: asScenario('nope') })
      .catch((e) => e)) as CoderApiError
    expect(invalid.status).toBe(400)
    expect(invalid.validation('read_status')).toBe('bad')
    expect(invalid.message).not.toContain(TOKEN)
  })

  it('fails the stream with the endpoint and field when a frame drifts', async () => {
    const inbox = await client.watchInbox({ read_status: asScenario('drifted') })
    const error = (await inbox.next().catch((e) => e)) as CoderResponseShapeError
    expect(error).toBeInstanceOf(CoderResponseShapeError)
    expect(error.endpoint).toBe('GET /api/v2/notifications/inbox/watch')
    expect(error.fields).toContain('unread_count')
  })

  it('delivers frames received before an abnormal close, then the close code', async () => {
    const inbox = await client.watchInbox({ read_status: asScenario('abnormal') })
    expect(await inbox.next()).toBeDefined()
    const error = (await inbox.next().catch((e) => e)) as CoderStreamError
    expect(error).toBeInstanceOf(CoderStreamError)
    expect(error.closeCode).toBe(1011)
  })

  it('ends on close(), times out waitFor and surfaces abort', async () => {
    const inbox = await client.watchInbox({ read_status: asScenario('silent') })
    await expect(inbox.waitFor(() => true, { timeoutMs: 50 })).rejects.toBeInstanceOf(CoderTimeoutError)
    await inbox.close()
    expect(await inbox.next()).toBeUndefined()

    const controller = new AbortController()
    const aborted = await client.watchInbox({ read_status: asScenario('silent'), signal: controller.signal })
    controller.abort(new Error('runner cancelled'))
    await expect(aborted.next()).rejects.toThrow('runner cancelled')
  })

  it('keeps a frame that arrives after a timed-out waitFor for the next read', async () => {
    await using inbox = await client.watchInbox({ read_status: asScenario('late') })
    await expect(inbox.waitFor(() => true, { timeoutMs: 20 })).rejects.toBeInstanceOf(CoderTimeoutError)
    expect((await inbox.next())?.unread_count).toBe(7)
  })

  it('reports a refused connection as a dial failure', async () => {
    const dead = new CoderClient({ url: 'http://127.0.0.1:9', sessionToken: TOKEN })
    const error = (await dead.watchInbox().catch((e) => e)) as CoderStreamError
    expect(error).toBeInstanceOf(CoderStreamError)
    expect(error.message).toMatch(/dial failed/)
  })
})

describe('watchWorkspace (SSE)', () => {
  it('skips pings and comments, reassembles split chunks and validates each workspace', async () => {
    await using watch = await client.watchWorkspace(workspace.id)
    expect((await watch.next())?.id).toBe(workspace.id)
    expect((await watch.next())?.name).toBe('renamed')
    expect(await watch.next()).toBeUndefined()
  })

  it('turns event: error into a CoderStreamError and a non-200 into CoderApiError', async () => {
    const watch = await client.watchWorkspace('broken')
    await watch.next()
    await expect(watch.next()).rejects.toThrow(/server sent error: Internal error\. \(db down\)/)
    const error = (await client.watchWorkspace('gone').catch((e) => e)) as CoderApiError
    expect(error.status).toBe(404)
  })

  it('fails on a drifted workspace frame naming the field', async () => {
    const watch = await client.watchWorkspace('drift')
    const error = (await watch.next().catch((e) => e)) as CoderResponseShapeError
    expect(error.fields).toContain('latest_build')
  })
})

describe('parseSse', () => {
  it('handles multi-line data and CRLF', async () => {
    const events = []
    for await (const event of parseSse(['event: data\r\ndata: a\r\n', 'data: b\r\n\r\nevent: ping\n\n']))
      events.push(event)
    expect(events).toEqual([
      { event: 'data', data: 'a\nb' },
      { event: 'ping', data: '' },
    ])
  })
})
