// Coder's weekly cron (coderd/schedule/cron): `[CRON_TZ=<tz> ]M H * * DOW`, day of month and month must be `*`.

export interface WeeklySchedule {
  timezone: string
  minutes: Set<number>
  hours: Set<number>
  days: Set<number>
}

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']

function field(spec: string, min: number, max: number, names: string[] = []): Set<number> | undefined {
  const out = new Set<number>()
  for (const part of spec.split(',')) {
    const [range, stepText] = part.split('/')
    const step = stepText === undefined ? 1 : Number(stepText)
    if (!Number.isInteger(step) || step < 1) return undefined
    const value = (text: string) => {
      const named = names.indexOf(text.toLowerCase())
      return named >= 0 ? named : /^\d+$/.test(text) ? Number(text) : Number.NaN
    }
    let [lo, hi] = [min, max]
    if (range !== '*') {
      const [a, b] = range!.split('-')
      lo = value(a!)
      hi = b === undefined ? (stepText === undefined ? lo : max) : value(b)
    }
    if (!(lo >= min && hi <= max && lo <= hi)) return undefined
    for (let v = lo; v <= hi; v += step) out.add(v === 7 && max === 7 ? 0 : v)
  }
  return out
}

export function parseWeeklySchedule(spec: string): WeeklySchedule | undefined {
  let rest = spec.trim()
  let timezone = 'UTC'
  const tz = /^CRON_TZ=(\S+)\s+/.exec(rest)
  if (tz) {
    timezone = tz[1]!
    rest = rest.slice(tz[0].length)
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: timezone })
    } catch {
      return undefined
    }
  }
  const parts = rest.split(/\s+/)
  if (parts.length !== 5 || parts[2] !== '*' || parts[3] !== '*') return undefined
  const minutes = field(parts[0]!, 0, 59)
  const hours = field(parts[1]!, 0, 23)
  const days = field(parts[4]!, 0, 7, DAY_NAMES)
  if (!minutes || !hours || !days) return undefined
  return { timezone, minutes, hours, days }
}

const formatters = new Map<string, Intl.DateTimeFormat>()

/** Whether the schedule fires in the minute that starts at `minuteStart` (ms, aligned). */
export function firesAt(schedule: WeeklySchedule, minuteStart: number): boolean {
  let format = formatters.get(schedule.timezone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: schedule.timezone,
      hour12: false,
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    })
    formatters.set(schedule.timezone, format)
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(minuteStart)).map((p) => [p.type, p.value]))
  const hour = Number(parts.hour) % 24
  const day = DAY_NAMES.indexOf(String(parts.weekday).toLowerCase())
  return schedule.minutes.has(Number(parts.minute)) && schedule.hours.has(hour) && schedule.days.has(day)
}

const MINUTE = 60_000
/** A weekly schedule fires at least once a week; a little more covers DST shifts. */
const SEARCH_LIMIT_MINUTES = 8 * 24 * 60

/**
 * `sched.Next(t)` (robfig/cron as coderd/schedule/cron wraps it): the first minute strictly after
 * `t` at which the schedule fires, in ms since epoch, or undefined if none within eight days.
 */
export function nextFireAfter(schedule: WeeklySchedule, t: number): number | undefined {
  let minute = Math.floor(t / MINUTE) * MINUTE + MINUTE
  for (let i = 0; i < SEARCH_LIMIT_MINUTES; i++, minute += MINUTE)
    if (firesAt(schedule, minute)) return minute
  return undefined
}
