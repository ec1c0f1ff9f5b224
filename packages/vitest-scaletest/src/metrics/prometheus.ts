import type { Metric } from 'prom-client'
import { Counter, Gauge, Registry } from 'prom-client'

import type { MetricsAggregate } from './aggregate.ts'
import { groupSeries } from './group-series.ts'
import type { HistogramCell } from './series-stats.ts'
import { cumulativeBuckets } from './series-stats.ts'

export interface PrometheusExportOptions {
  /** Labels with more distinct values than this are aggregated away (default 1000). */
  maxLabelValues?: number
}

/**
 * A prom-client registry holding the merged metrics: counters and gauges as prom-client metrics,
 * HDR histograms as Prometheus histograms (cumulative buckets from the HDR counts, exact sum and count).
 */
export function toPrometheusRegistry(
  aggregate: MetricsAggregate,
  options: PrometheusExportOptions = {},
): Registry {
  const registry = new Registry()
  const maxValues = options.maxLabelValues ?? 1000
  for (const [name, entry] of [...aggregate.metrics].sort(([a], [b]) => a.localeCompare(b))) {
    const { groups } = groupSeries(entry, maxValues)
    const labelNames = [...new Set(groups.flatMap((g) => Object.keys(g.labels)))]
    if (entry.type === 'counter') {
      const counter = new Counter({ name, help: entry.help, labelNames, registers: [registry] })
      for (const g of groups) counter.inc(g.labels, g.value as number)
    } else if (entry.type === 'gauge') {
      const gauge = new Gauge({ name, help: entry.help, labelNames, registers: [registry] })
      for (const g of groups) gauge.set(g.labels, g.value as number)
    } else {
      const values = groups.flatMap(({ labels, value }) => {
        const cell = value as HistogramCell
        const cumulative = cumulativeBuckets(cell, entry.buckets, entry.resolution)
        return [
          ...entry.buckets.map((le, i) => ({
            metricName: `${name}_bucket`,
            labels: { ...labels, le: String(le) },
            value: cumulative[i]!,
          })),
          { metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: cell.count },
          { metricName: `${name}_sum`, labels, value: cell.sum },
          { metricName: `${name}_count`, labels, value: cell.count },
        ]
      })
      const metric = {
        name,
        type: 'histogram',
        get: async () => ({ name, help: entry.help, type: 'histogram', aggregator: 'sum', values }),
      }
      registry.registerMetric(metric as unknown as Metric)
    }
  }
  return registry
}

/** Prometheus text exposition (version 0.0.4) of the merged metrics. */
export async function toPrometheusText(aggregate: MetricsAggregate, options?: PrometheusExportOptions) {
  return toPrometheusRegistry(aggregate, options).metrics()
}
