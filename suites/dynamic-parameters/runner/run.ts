// One evaluation session (Coder: scaletest/dynamicparameters/run.go): open the template version's
// dynamic-parameters websocket as the caller, time the unprompted first response (it must hold
// parameter `zero` and no diagnostics), send `{id: 1, inputs: {zero: "B"}}`, time the response
// with id 1 from the first one, and close.

import type { CoderClient, DynamicParametersResponse, Runner } from '@scaletest/vitest'
import type { DynamicParametersMetrics } from './metrics.ts'

export interface EvaluationDeps {
  owner: CoderClient
  metrics: DynamicParametersMetrics
  versionId: string
  /** The partition's size: the metrics' `concurrent_evaluations` label. */
  concurrentEvaluations: number
}

export function evaluationRunner(deps: EvaluationDeps): Runner {
  const timings: { initial_seconds?: number; change_seconds?: number } = {}
  return {
    async run({ signal, log }) {
      // Its own connections, as Coder's DupClientCopyingHeaders.
      await using client = deps.owner.duplicate()
      const started = performance.now()
      await using stream = await client.dynamicParameters(deps.versionId, { signal })
      const first = await stream.next()
      if (!first) throw new Error('dynamic parameters stream closed before initial response')
      const initialAt = performance.now()
      timings.initial_seconds = (initialAt - started) / 1000
      deps.metrics.initial(timings.initial_seconds, deps.concurrentEvaluations)
      log(
        'initial response after %d ms: %d parameter(s)',
        Math.round(initialAt - started),
        first.parameters?.length ?? 0,
      )
      if (!first.parameters?.some((p) => p.name === 'zero'))
        throw new Error("missing expected parameter: 'zero'")
      checkNoDiagnostics(first, 'initial')

      await stream.send({ id: 1, inputs: { zero: 'B' } })
      const changed = await stream.next()
      if (!changed) throw new Error('dynamic parameters stream closed before change response')
      timings.change_seconds = (performance.now() - initialAt) / 1000
      deps.metrics.change(timings.change_seconds, deps.concurrentEvaluations)
      log('change response after %d ms', Math.round(timings.change_seconds * 1000))
      if (changed.id !== 1) throw new Error(`unexpected response ID: ${changed.id}`)
      checkNoDiagnostics(changed, 'change')
    },
    metrics: () => ({ ...timings }),
  }
}

function checkNoDiagnostics(response: DynamicParametersResponse, which: string): void {
  const summary = (d: { severity: string; summary: string }) => `${d.severity}: ${d.summary}`
  if (response.diagnostics?.length)
    throw new Error(
      `unexpected ${which} response diagnostics: ${response.diagnostics.map(summary).join('; ')}`,
    )
  for (const p of response.parameters ?? [])
    if (p.diagnostics?.length)
      throw new Error(
        `unexpected ${which} parameter diagnostics for '${p.name}': ${p.diagnostics.map(summary).join('; ')}`,
      )
}
