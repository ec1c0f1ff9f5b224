// Coder's scaletest naming (scaletest/loadtestutil, cli/exp_scaletest.go): users
// `scaletest-<8 rand>-<id>` (with a pool prefix: `scaletest-<prefix>-<8 rand>-<id>`), emails
// `<8 rand>-<id>@scaletest.local`, workspaces `scaletest-<8 rand>-<id>`. Cleanup only ever touches
// what these predicates accept.

import { randomBytes } from 'node:crypto'

export const SCALETEST_PREFIX = 'scaletest-'
export const SCALETEST_EMAIL_DOMAIN = '@scaletest.local'

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'

/** 8 random lower-case alphanumerics, as Coder's `cryptorand.StringCharset(Lower+Digits, 8)`. */
export function randomTag(length = 8): string {
  let out = ''
  for (const byte of randomBytes(length)) out += ALPHABET[byte % ALPHABET.length]
  return out
}

export function scaletestUsername(tag: string, id: string, poolPrefix = ''): string {
  return `${SCALETEST_PREFIX}${poolPrefix ? `${poolPrefix}-` : ''}${tag}-${id}`
}

export function scaletestEmail(tag: string, id: string): string {
  return `${tag}-${id}${SCALETEST_EMAIL_DOMAIN}`
}

/** Coder caps workspace names at 32 characters. */
export function scaletestWorkspaceName(tag: string, id: string): string {
  return `${SCALETEST_PREFIX}${tag}-${id}`.slice(0, 32)
}

export function isScaletestUser(user: { username: string; email: string }): boolean {
  return user.username.startsWith(SCALETEST_PREFIX) || user.email.endsWith(SCALETEST_EMAIL_DOMAIN)
}

export function isScaletestWorkspace(workspace: { name: string; owner_name: string }): boolean {
  return workspace.name.startsWith(SCALETEST_PREFIX) || workspace.owner_name.startsWith(SCALETEST_PREFIX)
}
