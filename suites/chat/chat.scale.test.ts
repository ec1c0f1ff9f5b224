// Many multi-turn chats against a mock LLM behind coderd. Rebuilds `coder exp scaletest chat`
// (cli/exp_scaletest_chat.go, scaletest/chat/*).

import { setTimeout as sleep } from 'node:timers/promises'

import { concurrent, expect, scaleTest } from '@scaletest/vitest'
import { loadChatConfig, withControlBlock } from './config.ts'
import { ACTIVE_STREAMS, chatMetrics, STAGE_FAILURES, TURNS_COMPLETED } from './runner/metrics.ts'
import { ensureProviderAndModel } from './runner/provider.ts'
import { chatRunner } from './runner/run.ts'
import { targetWorkspaces } from './targets.ts'

scaleTest(
  'multi-turn chats stream every turn to a terminal status',
  async ({ coder, mocks, harness, metrics, logger, onTestFinished }) => {
    const config = loadChatConfig(process.env, mocks.llmUrlFromCoderd ?? mocks.llmUrl)
    const workspaces = await targetWorkspaces(coder, {
      range: config.targetWorkspaces,
      template: config.template,
    })
    const organization = await coder.defaultOrganization()
    // No scaletest workspaces: one target without a workspace, in the caller's first organization.
    const targets =
      workspaces.length > 0
        ? workspaces.map((w) => ({
            workspaceId: w.id as string | undefined,
            organizationId: w.organization_id,
          }))
        : [{ workspaceId: undefined, organizationId: organization.id }]
    const total = targets.length * config.chatsPerWorkspace
    logger.info(
      `chat: ${targets.length} target(s) × ${config.chatsPerWorkspace} chat(s), ${config.turns} turn(s), ` +
        `${config.toolCallsPerTurn} tool call(s) per turn, provider ${config.llmMockUrl}`,
    )
    metrics.thresholds({
      [STAGE_FAILURES]: ['sum==0'],
      [TURNS_COMPLETED]: [`sum==${total * config.turns}`],
    })
    const events = chatMetrics(metrics)
    const { modelConfigId } = await ensureProviderAndModel(coder, config.llmMockUrl, {
      propagationWaitMs: config.providerPropagationWaitMs,
      log: (m) => logger.info(m),
    })

    // Archives whatever a run created even when its own cleanup never ran (interrupt).
    const created = new Set<string>()
    onTestFinished(async () => {
      for (const id of created) await coder.archiveChat(id).catch(() => {})
    })

    // Turn-start barrier: gates follow-ups only (POST /chats already queued turn 1).
    let turnStartGate: { ready(): void; released: Promise<void> } | undefined
    if (config.turnStartDelayMs > 0 && config.turns > 1) {
      let ready = 0
      let release!: () => void
      const released = new Promise<void>((resolve) => {
        release = resolve
      })
      turnStartGate = {
        ready: () => {
          if (++ready === total) void sleep(config.turnStartDelayMs).then(release)
        },
        released,
      }
    }

    const prompt = withControlBlock(config.prompt, config.toolCallsPerTurn)
    targets.forEach(({ workspaceId, organizationId }, w) => {
      for (let c = 0; c < config.chatsPerWorkspace; c++)
        harness.add(
          'chat',
          `workspace-${w}-chat-${c}`,
          chatRunner(
            {
              workspaceId,
              modelConfigId,
              organizationId,
              prompt,
              turns: config.turns,
              turnStartDelayMs: config.turnStartDelayMs,
              turnTimeoutMs: config.turnTimeoutMs,
            },
            { coder, metrics: events, created, ...(turnStartGate && { turnStartGate }) },
          ),
        )
    })
    const results = await harness.run(concurrent())
    expect(metrics.gauge(ACTIVE_STREAMS).value()).toBe(0)
    expect(results).toHaveNoFailures()
  },
)
