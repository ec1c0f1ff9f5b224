import { describe, expect, it } from 'vitest'

import { tagsMatch } from './provisioner.ts'
import { firesAt, parseWeeklySchedule } from './schedule.ts'

describe('parseWeeklySchedule', () => {
  it('accepts Coder’s weekly form and rejects the rest', () => {
    expect(parseWeeklySchedule('CRON_TZ=UTC 30 9 * * *')).toBeDefined()
    expect(parseWeeklySchedule('CRON_TZ=Europe/Berlin 0 8 * * 1-5')).toBeDefined()
    expect(parseWeeklySchedule('0 8 * * MON,FRI')).toBeDefined()
    for (const bad of [
      '',
      'CRON_TZ=Mars/Base 0 8 * * *',
      '60 8 * * *',
      '0 8 1 * *',
      '0 8 * 1 *',
      '0 8 * *',
      'x 8 * * *',
    ])
      expect(parseWeeklySchedule(bad), bad).toBeUndefined()
  })

  it('fires in the scheduled minute of its time zone only', () => {
    const schedule = parseWeeklySchedule('CRON_TZ=America/New_York 30 9 * * 1-5')!
    // Monday 2026-01-05 09:30 in New York is 14:30 UTC.
    expect(firesAt(schedule, Date.UTC(2026, 0, 5, 14, 30))).toBe(true)
    expect(firesAt(schedule, Date.UTC(2026, 0, 5, 14, 31))).toBe(false)
    expect(firesAt(schedule, Date.UTC(2026, 0, 4, 14, 30))).toBe(false) // Sunday
  })
})

describe('tagsMatch (provisioner_tagset_contains)', () => {
  const untagged = { scope: 'organization', owner: '' }
  it('runs untagged jobs only on untagged daemons', () => {
    expect(tagsMatch(untagged, untagged)).toBe(true)
    expect(tagsMatch({ ...untagged, cluster: 'a' }, untagged)).toBe(false)
  })
  it('runs tagged jobs on daemons that carry all of their tags', () => {
    expect(tagsMatch({ ...untagged, cluster: 'a', gpu: 'yes' }, { ...untagged, cluster: 'a' })).toBe(true)
    expect(tagsMatch({ ...untagged, cluster: 'b' }, { ...untagged, cluster: 'a' })).toBe(false)
    expect(tagsMatch(untagged, { ...untagged, cluster: 'a' })).toBe(false)
  })
})
