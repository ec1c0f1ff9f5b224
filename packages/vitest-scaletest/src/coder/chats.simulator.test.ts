import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'

import { type StartedLlmMock, startLlmMock } from '@scaletest/mocks'
import type { ChatStreamEvent } from './chat-schemas.ts'
import { CoderClient } from './client.ts'
import { decodeChatFrame } from './client-chats.ts'
import { OWNER, type SimulatorSession, startSimulatorSession } from './simulator-setup.ts'

let llm: StartedLlmMock
const teardown: Array<() => Promise<void>> = []
beforeAll(async () => {
  // Slow enough to answer that every stream attaches before the first output.
  llm = await startLlmMock({ artificialLatencyMs: 300 })
})
afterAll(() => llm?.close())
afterEach(async () => {
  for (const step of teardown.splice(0).reverse()) await step()
})

async function session(
  streamFraming: 'array' | 'envelope',
): Promise<{ s: SimulatorSession; modelId: string }> {
  const s = await startSimulatorSession({ chats: { streamFraming, providerCacheTtlMs: 0 } })
  teardown.push(() => s.close())
  const provider = await s.owner.createAIProvider({
    type: 'openai-compat',
    name: 'coder-scaletest-mock',
    base_url: `${llm.url}/v1`,
    api_keys: ['coder-scaletest'],
  })
  const model = await s.owner.createChatModelConfig({
    provider: 'openai-compat',
    ai_provider_id: provider.id,
    model: 'scaletest-model',
  })
  return { s, modelId: model.id }
}

/** One turn as the client reads it: every event until `waiting` after output. */
async function oneTurn(s: SimulatorSession, modelId: string): Promise<ChatStreamEvent[]> {
  const chat = await s.owner.createChat({
    content: [{ type: 'text', text: 'Reply with one short sentence.' }],
    model_config_id: modelId,
    organization_id: s.org.id,
  })
  await using stream = await s.owner.streamChat(chat.id, { afterId: 0 })
  const events: ChatStreamEvent[] = []
  await stream.waitFor(
    (e) => {
      events.push(e)
      return (
        e.type === 'status' &&
        e.status?.status === 'waiting' &&
        events.some((x) => x.type === 'message' && x.message?.role === 'assistant')
      )
    },
    { timeoutMs: 10_000 },
  )
  return events
}

const shape = (events: ChatStreamEvent[]) =>
  events
    .map((e) =>
      e.type === 'status'
        ? `status:${e.status?.status}`
        : e.type === 'message'
          ? `message:${e.message?.role}`
          : e.type,
    )
    .filter((t, i, all) => t !== 'message_part' || all[i - 1] !== 'message_part')

describe('chat stream framing (simulator)', () => {
  it('reads the older {type:"data",data:[…]} envelope exactly like the newer bare arrays', async () => {
    const newer = await session('array')
    const older = await session('envelope')

    // The two simulators really frame differently on the wire.
    const raw = async ({ s, modelId }: { s: SimulatorSession; modelId: string }) => {
      const chat = await s.owner.createChat({
        content: [{ type: 'text', text: 'hi' }],
        model_config_id: modelId,
      })
      const login = await fetch(`${s.url}/api/v2/users/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: OWNER.email, password: OWNER.password }),
      })
      const { session_token } = (await login.json()) as { session_token: string }
      const socket = new WebSocket(
        `${s.url.replace('http', 'ws')}/api/experimental/chats/${chat.id}/stream`,
        {
          headers: { 'Coder-Session-Token': session_token },
        },
      )
      const first = await new Promise<unknown>((resolve, reject) => {
        socket.once('message', (data) => resolve(JSON.parse(String(data))))
        socket.once('error', reject)
      })
      socket.terminate()
      return first
    }
    expect(Array.isArray(await raw(newer))).toBe(true)
    expect(await raw(older)).toMatchObject({ type: 'data', data: expect.any(Array) })

    const a = await oneTurn(newer.s, newer.modelId)
    const b = await oneTurn(older.s, older.modelId)
    expect(shape(a)).toEqual([
      'message:user',
      'status:running',
      'message_part',
      'message:assistant',
      'status:waiting',
    ])
    expect(shape(b)).toEqual(shape(a))
    expect(
      b
        .filter((e) => e.type === 'message_part')
        .map((e) => e.message_part?.part.text)
        .join(''),
    ).toBe(
      b.find((e) => e.type === 'message' && e.message?.role === 'assistant')?.message?.content?.[0]?.text,
    )
  }, 30_000)

  it('interrupts a chat: 200 with the chat, status waiting', async () => {
    const { s, modelId } = await session('array')
    const chat = await s.owner.createChat({
      content: [{ type: 'text', text: 'hi' }],
      model_config_id: modelId,
    })
    const interrupted = await s.owner.interruptChat(chat.id)
    expect(interrupted).toMatchObject({ id: chat.id, status: 'waiting' })
    expect((await s.owner.chat(chat.id)).status).toBe('waiting')
  })
})

describe('decodeChatFrame', () => {
  const running = { type: 'status', chat_id: 'c', status: { status: 'running' as const } }

  it('passes arrays, unwraps data, drops pings, ends on an error envelope with "message: detail"', () => {
    expect(decodeChatFrame([running])).toEqual([running])
    expect(decodeChatFrame({ type: 'data', data: [running] })).toEqual([running])
    expect(decodeChatFrame({ type: 'ping' })).toEqual([])
    expect(
      decodeChatFrame({
        type: 'error',
        data: { message: 'Chat streaming is not available.', detail: 'Chat stream state is not configured.' },
      }),
    ).toEqual({
      frames: [
        {
          type: 'error',
          error: { message: 'Chat streaming is not available.: Chat stream state is not configured.' },
        },
      ],
      end: true,
    })
    expect(decodeChatFrame({ type: 'error' })).toMatchObject({
      frames: [{ error: { message: 'chat stream returned an error' } }],
    })
    expect(() => decodeChatFrame({ type: 'data', data: [{ no_type: true }] })).toThrow()
  })

  it('ends the stream after an older server error envelope, with the events before it', async () => {
    const wss = new WebSocketServer({ noServer: true })
    const server = createServer()
    server.on('upgrade', (req, socket, head) =>
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.send(JSON.stringify({ type: 'data', data: [running] }))
        ws.send(JSON.stringify({ type: 'ping' }))
        ws.send(JSON.stringify({ type: 'error', data: { message: 'Chat streaming is not available.' } }))
        // The server keeps the socket open (OneWayWebSocketEventSender waits for the client).
      }),
    )
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    teardown.push(async () => {
      for (const ws of wss.clients) ws.terminate()
      await new Promise((resolve) => server.close(resolve))
    })
    const client = new CoderClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })
    const stream = await client.streamChat('00000000-0000-0000-0000-000000000001')
    const got: ChatStreamEvent[] = []
    for await (const e of stream) got.push(e)
    expect(got.map((e) => e.type)).toEqual(['status', 'error'])
    expect(got[1]?.error?.message).toBe('Chat streaming is not available.')
  })
})
