// report.html of a scaletest run: draws the results embedded in #scaletest-results with uPlot.
// Plain browser JavaScript, no network: everything it needs is inlined into the page.
;(() => {
  const results = JSON.parse(document.getElementById('scaletest-results').textContent)
  const main = document.getElementById('report')
  const MAX_SERIES = 12 // charts per histogram metric (latency and distribution each)
  const COLORS = ['#1f77b4', '#ff7f0e', '#d62728', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f']

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag)
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue
      if (k === 'class') node.className = v
      else if (k === 'text') node.textContent = v
      else node.setAttribute(k, v)
    }
    for (const c of children) if (c !== undefined && c !== null) node.append(c)
    return node
  }

  /** Like the console summary: up to 4 significant digits. */
  function fmt(value) {
    if (value === null || value === undefined || Number.isNaN(value)) return '-'
    if (Number.isInteger(value)) return String(value)
    const abs = Math.abs(value)
    if (abs >= 1e-6 && abs < 1e9) return String(Number(value.toPrecision(4)))
    return value.toExponential(3)
  }

  function labelText(labels) {
    const entries = Object.entries(labels || {})
    return entries.length === 0 ? '' : `{${entries.map(([k, v]) => `${k}="${v}"`).join(',')}}`
  }

  function numCell(value, extra) {
    return el('td', {
      class: 'num',
      'data-value': value === null || value === undefined ? 'null' : String(value),
      text: fmt(value),
      ...extra,
    })
  }

  function section(id, title) {
    const s = el('section', { id })
    s.append(el('h2', { text: title }))
    main.append(s)
    return s
  }

  // Verdict
  const failedTests = results.tests.filter((t) => t.state === 'failed').length
  const thresholdsOk = results.thresholds.ok
  const passed = thresholdsOk && failedTests === 0
  const head = el('header')
  head.append(
    el('h1', {
      text: `scaletest report: ${results.provenance?.scenarios.join(', ') || 'run'}`,
    }),
    el('span', {
      id: 'verdict',
      class: `verdict ${passed ? 'ok' : 'bad'}`,
      text: passed ? 'PASSED' : 'FAILED',
    }),
    el('span', {
      class: 'muted',
      text: `  ${results.started_at} → ${results.ended_at} (${fmt(results.elapsed_ms / 1000)} s) · harness ${results.harness.total_runs} runs, ${results.harness.total_pass} passed, ${results.harness.total_fail} failed · tests ${results.tests.length - failedTests} passed, ${failedTests} failed`,
    }),
  )
  if (results.live) {
    const l = results.live
    const p99 = l.latency
      ? `, p99 ${l.latency.metric} ${fmt(l.latency.p99)} (last ${l.latency.window_seconds} s)`
      : ''
    head.append(
      el('p', {
        id: 'live-status',
        text: `live: runs started ${l.runs_started}, passed ${l.runs_passed}, failed ${l.runs_failed}${p99}`,
      }),
    )
  }
  if (results.live)
    head.append(
      el('p', {
        class: 'muted',
        text: `live view of a running scaletest, as of ${results.ended_at}; reloads every few seconds`,
      }),
    )
  main.append(head)

  // Thresholds
  const th = section('thresholds', 'Thresholds')
  if (results.thresholds.results.length === 0)
    th.append(el('p', { class: 'muted', text: 'no thresholds configured' }))
  else {
    const table = el('table', { id: 'thresholds-table' })
    table.append(
      el(
        'tr',
        {},
        el('th', { text: '' }),
        el('th', { text: 'selector' }),
        el('th', { text: 'expression' }),
        el('th', { class: 'num', text: 'measured' }),
        el('th', { text: 'note' }),
      ),
    )
    for (const r of results.thresholds.results) {
      table.append(
        el(
          'tr',
          { class: r.ok ? 'ok' : 'bad', 'data-ok': String(r.ok) },
          el('td', { class: r.ok ? 'mark-ok' : 'mark-bad', text: r.ok ? '✓' : '✗' }),
          el('td', {}, el('code', { text: r.selector })),
          el('td', {}, el('code', { text: r.expression })),
          numCell(r.actual),
          el('td', { text: r.reason || '' }),
        ),
      )
    }
    th.append(table)
  }

  // Baseline
  if (results.baseline) {
    const b = results.baseline
    const s = section('baseline', 'Baseline comparison')
    s.append(
      el('p', {
        id: 'baseline-verdict',
        class: b.regressions > 0 ? 'regression' : 'muted',
        text: `${b.regressions} regression(s) past ${b.tolerance_pct}% against ${b.path}${b.baseline_started_at ? ` (run of ${b.baseline_started_at})` : ''}`,
      }),
    )
    const table = el('table', { id: 'baseline-table' })
    table.append(
      el(
        'tr',
        {},
        ...[
          'metric',
          'p50 baseline',
          'p50 now',
          'p50 change',
          'p99 baseline',
          'p99 now',
          'p99 change',
          '',
        ].map((h, i) => el('th', { class: i > 0 && i < 7 ? 'num' : undefined, text: h })),
      ),
    )
    for (const m of b.metrics) {
      const pct = (c) =>
        el('td', {
          class: 'num',
          'data-value': String(c.change_pct),
          text: c.change_pct === null ? '-' : `${c.change_pct >= 0 ? '+' : ''}${c.change_pct.toFixed(1)}%`,
        })
      table.append(
        el(
          'tr',
          { class: m.regression ? 'bad' : '' },
          el('td', {}, el('code', { text: m.metric + labelText(m.labels) })),
          numCell(m.p50.baseline),
          numCell(m.p50.current),
          pct(m.p50),
          numCell(m.p99.baseline),
          numCell(m.p99.current),
          pct(m.p99),
          el('td', { class: m.regression ? 'regression' : '', text: m.regression ? 'REGRESSION' : '' }),
        ),
      )
    }
    s.append(table)
  }

  // Summary per metric
  const sum = section('summary', 'Metrics')
  const hist = el('table', { id: 'histogram-table' })
  hist.append(
    el(
      'tr',
      {},
      ...['histogram', 'count', 'p50', 'p90', 'p95', 'p99', 'max'].map((h, i) =>
        el('th', { class: i > 0 ? 'num' : undefined, text: h }),
      ),
    ),
  )
  const values = el('table', { id: 'value-table' })
  values.append(
    el('tr', {}, el('th', { text: 'counter / gauge' }), el('th', { class: 'num', text: 'value' })),
  )
  for (const name of Object.keys(results.summary).sort()) {
    for (const s of results.summary[name]) {
      const id = name + labelText(s.labels)
      if ('p99' in s.stats)
        hist.append(
          el(
            'tr',
            { 'data-series': id },
            el('td', {}, el('code', { text: id })),
            ...['count', 'p50', 'p90', 'p95', 'p99', 'max'].map((k) => numCell(s.stats[k])),
          ),
        )
      else
        values.append(
          el('tr', { 'data-series': id }, el('td', {}, el('code', { text: id })), numCell(s.stats.value)),
        )
    }
  }
  sum.append(hist, values)

  // Charts
  const charts = []
  function chart(parent, title, opts, data) {
    const box = el('div', { class: 'chart', 'data-chart': title })
    box.append(el('div', { class: 'title', text: title }))
    const target = el('div')
    box.append(target)
    parent.append(box)
    charts.push({ box, target, opts, data })
  }
  const seconds = (_u, vals) => vals.map((v) => (v === null ? '' : fmt(v)))
  const ts = results.timeseries
  const lat = section('latency', 'Latency over time and distribution')
  const latGrid = el('div', { class: 'charts' })
  lat.append(latGrid)
  const dists = results.distributions || {}
  const histNames = Object.keys(results.summary)
    .filter((n) => results.summary[n].some((s) => 'p99' in s.stats))
    .sort()
  if (!ts)
    lat.append(
      el('p', {
        class: 'muted',
        text: 'no time series in these results (SCALETEST_REPORT_INTERVAL=0 or no samples)',
      }),
    )
  const total = (s) => s.count.reduce((a, b) => a + b, 0)
  for (const name of histNames) {
    const tm = ts?.metrics[name]
    // The busiest series first; past MAX_SERIES a note says where the rest is.
    const withSamples = (tm?.series || []).filter((s) => total(s) > 0).sort((a, b) => total(b) - total(a))
    if (withSamples.length > MAX_SERIES)
      lat.append(
        el('p', {
          class: 'muted',
          text: `${name}: ${withSamples.length - MAX_SERIES} more series in results.json (timeseries)`,
        }),
      )
    for (const s of withSamples.slice(0, MAX_SERIES)) {
      chart(
        latGrid,
        `${name}${labelText(s.labels)} per ${ts.interval_ms} ms`,
        {
          scales: { x: { time: true }, count: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
          series: [
            {},
            { label: 'p50', stroke: COLORS[0], spanGaps: false },
            { label: 'p90', stroke: COLORS[1] },
            { label: 'p99', stroke: COLORS[2] },
            { label: 'count', stroke: '#999', scale: 'count', paths: uPlot.paths.stepped({ align: 1 }) },
          ],
          axes: [
            {},
            { values: seconds, label: name.endsWith('_seconds') ? 'seconds' : '' },
            { scale: 'count', side: 1, grid: { show: false }, label: 'count' },
          ],
        },
        [ts.starts.map((t) => t / 1000), s.p50, s.p90, s.p99, s.count],
      )
    }
    for (const d of (dists[name] || []).slice(0, MAX_SERIES)) {
      const xs = d.points.map(([p]) => (p >= 100 ? 6 : -Math.log10(1 - p / 100)))
      const label = (x) => (x >= 6 ? 'max' : `${Number((100 * (1 - 10 ** -x)).toPrecision(6))}%`)
      chart(
        latGrid,
        `${name}${labelText(d.labels)} percentile distribution`,
        {
          scales: { x: { time: false } },
          series: [
            { label: 'percentile', value: (_u, x) => (x === null ? '' : label(x)) },
            { label: 'value', stroke: COLORS[4], points: { show: true } },
          ],
          axes: [
            { values: (_u, vals) => vals.map(label), splits: () => [0, 1, 2, 3, 4, 5, 6] },
            { values: seconds },
          ],
        },
        [xs, d.points.map(([, v]) => v)],
      )
    }
  }

  const other = section('counters', 'Counters and gauges over time')
  const otherGrid = el('div', { class: 'charts' })
  other.append(otherGrid)
  for (const name of Object.keys(ts?.metrics || {}).sort()) {
    const m = ts.metrics[name]
    if (m.type === 'histogram' || m.series.length === 0) continue
    const series = m.series.slice(0, COLORS.length)
    chart(
      otherGrid,
      `${name} (${m.type === 'counter' ? `increase per ${ts.interval_ms} ms` : 'value'})`,
      {
        scales: { x: { time: true } },
        series: [{}, ...series.map((s, i) => ({ label: labelText(s.labels) || name, stroke: COLORS[i] }))],
        axes: [{}, { values: seconds }],
      },
      [ts.starts.map((t) => t / 1000), ...series.map((s) => s.value)],
    )
  }

  // Barriers: what the barrier fixture recorded per test, and histograms named after a barrier.
  const bar = section('barriers', 'Barriers')
  const barrierRows = results.tests.flatMap((t) => (t.barriers || []).map((b) => ({ test: t.name, ...b })))
  const barrierNames = histNames.filter((n) => /barrier/.test(n))
  if (barrierRows.length === 0 && barrierNames.length === 0)
    bar.append(el('p', { class: 'muted', text: 'no barrier wait times in these results' }))
  if (barrierRows.length > 0) {
    const table = el('table', { id: 'barriers-table' })
    const heads = [
      'barrier',
      'test',
      'state',
      'arrived',
      'left',
      'size',
      'waits',
      'p50 wait ms',
      'p90 wait ms',
      'max wait ms',
      'opened after ms',
    ]
    table.append(
      el('tr', {}, ...heads.map((h, i) => el('th', { class: i > 2 ? 'num' : undefined, text: h }))),
    )
    for (const b of barrierRows)
      table.append(
        el(
          'tr',
          { class: b.state === 'failed' ? 'bad' : '' },
          el('td', {}, el('code', { text: b.name })),
          el('td', { text: b.test }),
          el('td', { text: b.state }),
          numCell(b.arrived),
          numCell(b.left),
          numCell(b.size),
          numCell(b.waits.count),
          numCell(b.waits.p50),
          numCell(b.waits.p90),
          numCell(b.waits.max),
          numCell(b.opened_after_ms),
        ),
      )
    bar.append(table)
  }
  for (const n of barrierNames)
    for (const s of results.summary[n])
      bar.append(
        el(
          'p',
          {},
          el('code', { text: n + labelText(s.labels) }),
          ` waits ${s.stats.count}, p50 ${fmt(s.stats.p50)}, p99 ${fmt(s.stats.p99)}, max ${fmt(s.stats.max)}`,
        ),
      )

  // Harness runs: failed first, filtered by status and text, virtualised.
  const runsSection = section('runs', `Harness runs (${results.harness.total_runs})`)
  const runs = Object.entries(results.harness.runs).map(([key, r]) => ({
    key,
    failed: r.error !== null && r.error !== undefined,
    error: r.error || '',
    logs: r.logs || '',
    duration: r.duration_ms,
    run: r,
  }))
  runs.sort((a, b) =>
    a.failed === b.failed ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : a.failed ? -1 : 1,
  )
  const status = el(
    'select',
    { id: 'runs-status' },
    el('option', { value: 'all', text: 'all' }),
    el('option', { value: 'failed', text: 'failed' }),
    el('option', { value: 'passed', text: 'passed' }),
  )
  const text = el('input', {
    id: 'runs-filter',
    type: 'search',
    placeholder: 'filter by id, error or log text',
  })
  const count = el('span', { id: 'runs-count', class: 'muted' })
  runsSection.append(
    el('div', { class: 'runs-controls' }, el('label', { text: 'status ' }, status), text, count),
  )
  runsSection.append(
    el(
      'div',
      { class: 'runs-header' },
      el('span', { text: 'status' }),
      el('span', { text: 'run' }),
      el('span', { text: 'duration' }),
      el('span', { text: 'error' }),
    ),
  )
  const viewport = el('div', { class: 'runs-viewport', id: 'runs-viewport' })
  const spacer = el('div')
  viewport.append(spacer)
  const detail = el(
    'div',
    { class: 'run-detail', id: 'run-detail' },
    el('span', { class: 'muted', text: 'select a run to see its error and log' }),
  )
  runsSection.append(viewport, detail)
  const ROW = 28
  let shown = runs
  let selected = null
  function applyFilter() {
    const want = status.value
    const needle = text.value.trim().toLowerCase()
    shown = runs.filter((r) => {
      if (want === 'failed' && !r.failed) return false
      if (want === 'passed' && r.failed) return false
      if (needle === '') return true
      if (r.haystack === undefined) r.haystack = `${r.key}\n${r.error}\n${r.logs}`.toLowerCase()
      return r.haystack.includes(needle)
    })
    count.textContent = `${shown.length} of ${runs.length} runs`
    spacer.style.height = `${shown.length * ROW}px`
    viewport.scrollTop = 0
    renderRows()
  }
  function renderRows() {
    const first = Math.max(0, Math.floor(viewport.scrollTop / ROW) - 5)
    const last = Math.min(shown.length, first + Math.ceil(viewport.clientHeight / ROW) + 10)
    spacer.replaceChildren()
    for (let i = first; i < last; i++) {
      const r = shown[i]
      const row = el(
        'div',
        {
          class: `runs-row${r.failed ? ' failed' : ''}${r === selected ? ' selected' : ''}`,
          'data-run': r.key,
        },
        el('span', { text: r.failed ? 'failed' : 'passed' }),
        el('span', { text: r.key }),
        el('span', { text: `${fmt(r.duration)} ms` }),
        el('span', { text: r.error }),
      )
      row.style.top = `${i * ROW}px`
      row.addEventListener('click', () => select(r))
      spacer.append(row)
    }
  }
  function select(r) {
    selected = r
    const run = r.run
    detail.replaceChildren(
      el('h3', { text: r.key }),
      el('div', {
        text: `${r.failed ? 'failed' : 'passed'} · started ${run.started_at || '-'} · ${run.duration || `${run.duration_ms} ms`}`,
      }),
      r.failed ? el('pre', { class: 'mark-bad', text: r.error }) : null,
      el('div', { text: 'log:' }),
      el('pre', { text: r.logs || '(empty)' }),
    )
    renderRows()
  }
  status.addEventListener('change', applyFilter)
  text.addEventListener('input', applyFilter)
  viewport.addEventListener('scroll', () => requestAnimationFrame(renderRows))
  applyFilter()

  // Provenance
  const p = results.provenance
  const prov = section('provenance', 'Provenance')
  if (!p) prov.append(el('p', { class: 'muted', text: 'no provenance in these results' }))
  else {
    const dl = el('dl', { class: 'prov' })
    const item = (k, v) => dl.append(el('dt', { text: k }), el('dd', { text: v }))
    item('scenario', p.scenarios.join(', ') || '-')
    item('start', results.started_at)
    item('end', results.ended_at)
    item('target', `${p.target.coder_url || '-'} (${p.target.kind})`)
    item(
      'mocks',
      p.mocks
        ? `${p.mocks.provider} ${Object.entries(p.mocks.endpoints)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}`
        : '-',
    )
    item(
      'git revision',
      p.git.revision ? `${p.git.revision}${p.git.dirty ? ' (uncommitted changes)' : ''}` : 'unknown',
    )
    item(
      'versions',
      Object.entries(p.versions)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    )
    const knobs = Object.entries(p.knobs)
    item('knobs', knobs.length === 0 ? '(defaults)' : knobs.map(([k, v]) => `${k}=${v}`).join('\n'))
    dl.lastChild.style.whiteSpace = 'pre-wrap'
    prov.append(dl)
  }

  // Draw once laid out, at the width of each chart's box.
  for (const c of charts) {
    const width = Math.max(300, c.box.clientWidth - 18)
    c.plot = new uPlot({ width, height: 220, legend: { show: true }, ...c.opts }, c.data, c.target)
  }
  // drawnAt: ms from the start of navigation until the page is drawn (read by tests).
  window.scaletestReport = { charts: charts.length, runs: runs.length, drawnAt: performance.now() }
})()
