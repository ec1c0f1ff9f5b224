import type { AggregateEntry } from './aggregate.ts'
import { labelKey } from './labels.ts'
import type { HistogramCell } from './series-stats.ts'
import { combineCells } from './series-stats.ts'
import type { Labels } from './snapshot.ts'

export interface SeriesGroups<T> {
  /** Label names with more distinct values than the limit, aggregated away (e.g. username). */
  aggregatedLabels: { name: string; distinct: number }[]
  groups: { labels: Labels; value: T }[]
}

/**
 * Fold high-cardinality labels: any label with more than `maxValues` distinct values is dropped
 * and the series that differ only in it are combined (histograms merged, counters and gauges summed).
 */
export function groupSeries(entry: AggregateEntry, maxValues: number): SeriesGroups<HistogramCell | number> {
  const all = [...entry.series.values()]
  const distinct = new Map<string, Set<string>>()
  for (const s of all) {
    for (const [name, value] of Object.entries(s.labels)) {
      const set = distinct.get(name) ?? new Set<string>()
      set.add(value)
      distinct.set(name, set)
    }
  }
  const aggregatedLabels = [...distinct]
    .filter(([, values]) => values.size > maxValues)
    .map(([name, values]) => ({ name, distinct: values.size }))
  const drop = new Set(aggregatedLabels.map((l) => l.name))
  const buckets = new Map<string, { labels: Labels; members: typeof all }>()
  for (const s of all) {
    const labels = Object.fromEntries(Object.entries(s.labels).filter(([name]) => !drop.has(name)))
    const key = labelKey(labels)
    const bucket = buckets.get(key) ?? { labels, members: [] }
    bucket.members.push(s)
    buckets.set(key, bucket)
  }
  const groups = [...buckets.values()].map(({ labels, members }) => {
    if (entry.type === 'histogram') {
      const cells = members as HistogramCell[]
      return { labels, value: cells.length === 1 ? cells[0]! : combineCells(cells, labels) }
    }
    return { labels, value: (members as { value: number }[]).reduce((a, m) => a + m.value, 0) }
  })
  groups.sort((a, b) => labelKey(a.labels).localeCompare(labelKey(b.labels)))
  return { aggregatedLabels, groups }
}
