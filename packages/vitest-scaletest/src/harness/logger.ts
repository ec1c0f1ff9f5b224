// A small levelled logger for scenario code. Secrets registered with it are redacted from every line.

import { format } from 'node:util'

import { redactSecrets } from '../http/redact.ts'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

export interface LoggerOptions {
  level?: LogLevel
  /** Prefix for every line, e.g. the test name. */
  name?: string
  /** Strings (tokens, passwords) replaced by `[REDACTED]` in every line. */
  secrets?: readonly string[]
  /** Where lines go; defaults to stderr. */
  write?: (line: string) => void
}

export interface Logger {
  debug(...args: unknown[]): void
  info(...args: unknown[]): void
  warn(...args: unknown[]): void
  error(...args: unknown[]): void
  /** A logger with the same sink and secrets whose lines carry `name` as well. */
  child(name: string): Logger
  /** Registers another secret to redact (e.g. a token minted during the test). */
  addSecret(secret: string): void
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = [...(options.secrets ?? [])]
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`))
  const threshold = ORDER[options.level ?? 'info']
  const build = (name: string | undefined): Logger => {
    const emit = (level: Exclude<LogLevel, 'silent'>, args: unknown[]) => {
      if (ORDER[level] < threshold) return
      const prefix = name ? ` [${name}]` : ''
      write(
        redactSecrets(
          `${new Date().toISOString()} ${level.toUpperCase()}${prefix} ${format(...args)}`,
          secrets,
        ),
      )
    }
    return {
      debug: (...args) => emit('debug', args),
      info: (...args) => emit('info', args),
      warn: (...args) => emit('warn', args),
      error: (...args) => emit('error', args),
      child: (child) => build(name ? `${name}/${child}` : child),
      addSecret: (secret) => {
        if (secret) secrets.push(secret)
      },
    }
  }
  return build(options.name)
}
