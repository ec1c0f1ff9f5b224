/** Reply codes a rejection fault may use: temporary (421 closes the connection, 451) or permanent (550). */
export const FAULT_REJECT_CODES = [421, 451, 550] as const
export type FaultRejectCode = (typeof FAULT_REJECT_CODES)[number]

/** Fault injection for testing how a sender retries; everything is off by default. */
export interface SmtpFaults {
  /** Share (0..1) of messages answered with `rejectCode` instead of 250 and not stored. */
  rejectRate?: number
  /** Reply code of a rejected message; default 451. */
  rejectCode?: FaultRejectCode
  /** Delay before the reply to the end of DATA, in ms; default 0. */
  dataDelayMs?: number
  /** Share (0..1) of messages whose connection is destroyed after DATA, without any reply. */
  dropRate?: number
  /** Seed of the fault dice, so a run's fault pattern repeats; default 1. */
  seed?: number
}

export type FaultDecision = { kind: 'accept' } | { kind: 'reject'; code: FaultRejectCode } | { kind: 'drop' }

export class InvalidFaultError extends Error {
  readonly code = 'SMTP_MOCK_INVALID_FAULT'
}

export function validateFaults(faults: SmtpFaults): Required<SmtpFaults> {
  const rate = (name: string, value: number | undefined) => {
    const v = value ?? 0
    if (!(v >= 0 && v <= 1)) throw new InvalidFaultError(`${name} must be a number from 0 to 1, got ${value}`)
    return v
  }
  const rejectRate = rate('rejectRate', faults.rejectRate)
  const dropRate = rate('dropRate', faults.dropRate)
  if (rejectRate + dropRate > 1)
    throw new InvalidFaultError(`rejectRate + dropRate must be at most 1, got ${rejectRate + dropRate}`)
  const rejectCode = faults.rejectCode ?? 451
  if (!FAULT_REJECT_CODES.includes(rejectCode))
    throw new InvalidFaultError(
      `rejectCode must be one of ${FAULT_REJECT_CODES.join(', ')}, got ${rejectCode}`,
    )
  const dataDelayMs = faults.dataDelayMs ?? 0
  if (!Number.isInteger(dataDelayMs) || dataDelayMs < 0)
    throw new InvalidFaultError(`dataDelayMs must be an integer >= 0, got ${faults.dataDelayMs}`)
  const seed = faults.seed ?? 1
  if (!Number.isInteger(seed)) throw new InvalidFaultError(`seed must be an integer, got ${faults.seed}`)
  return { rejectRate, rejectCode, dataDelayMs, dropRate, seed }
}

/** Rolls the fault dice once per message with a seeded PRNG (mulberry32). */
export function createFaultDice(faults: Required<SmtpFaults>): () => FaultDecision {
  const accept: FaultDecision = { kind: 'accept' }
  if (faults.rejectRate === 0 && faults.dropRate === 0) return () => accept
  const reject: FaultDecision = { kind: 'reject', code: faults.rejectCode }
  const drop: FaultDecision = { kind: 'drop' }
  let state = faults.seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
  return () => {
    const roll = next()
    if (roll < faults.rejectRate) return reject
    if (roll < faults.rejectRate + faults.dropRate) return drop
    return accept
  }
}
