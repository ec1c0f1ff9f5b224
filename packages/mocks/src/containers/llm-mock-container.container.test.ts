import { randomUUID } from 'node:crypto'

import OpenAI from 'openai'
import { getContainerRuntimeClient } from 'testcontainers'
import { afterAll, beforeAll, expect, it } from 'vitest'

import { describeWithDocker } from './describe-with-docker.ts'
import { LlmMockContainer, type StartedLlmMockContainer } from './llm-mock-container.ts'
import { LABEL_MOCK, LABEL_RUN_ID, LLM_MOCK_PORT } from './mocks-image.ts'
import { listRunContainers, removeRunResources } from './remove-run-resources.ts'

describeWithDocker('LlmMockContainer', () => {
  const runId = `test-${randomUUID()}`
  let llm: StartedLlmMockContainer

  beforeAll(async () => {
    llm = await new LlmMockContainer()
      .withLabels({ [LABEL_RUN_ID]: runId })
      .withResponsePayloadSize(400)
      .start()
  })
  afterAll(async () => {
    await llm?.stop()
    await removeRunResources(runId)
  })

  it('answers the official OpenAI client at getOpenAiBaseUrl()', async () => {
    const client = new OpenAI({ baseURL: llm.getOpenAiBaseUrl(), apiKey: 'not-checked', maxRetries: 0 })
    const completion = await client.chat.completions.create({
      model: 'scaletest-model',
      messages: [{ role: 'user', content: 'hello from a container test' }],
    })
    // --response-payload-size 400 reached the mock through the container command.
    expect(completion.choices[0]?.message.content?.length).toBeGreaterThanOrEqual(380)
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0)
  })

  it('publishes its port on 127.0.0.1 only and carries the run and mock labels', async () => {
    expect(new URL(llm.getUrl()).hostname).toBe('127.0.0.1')
    const docker = (await getContainerRuntimeClient()).container.dockerode
    const info = await docker.getContainer(llm.getId()).inspect()
    const bindings = info.HostConfig.PortBindings[`${LLM_MOCK_PORT}/tcp`] as { HostIp: string }[]
    expect(bindings.map((b) => b.HostIp)).toEqual(['127.0.0.1'])
    expect(info.Config.Labels).toMatchObject({ [LABEL_RUN_ID]: runId, [LABEL_MOCK]: 'llm' })
    expect(info.Config.User).toBe('1000:1000')
    expect(await listRunContainers(runId)).toEqual([llm.getId()])
  })

  it("passes the image's own HEALTHCHECK probe", async () => {
    const result = await llm.exec(['/usr/local/bin/node', '/app/healthcheck.mjs'])
    expect(result.output.trim()).toBe('healthy')
    expect(result.exitCode).toBe(0)
  })
})
