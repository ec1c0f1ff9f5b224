// Coder's `prebuilds` system user (coderd/database/constants.go, migration 000308_system_user):
// it owns every prebuilt workspace. It is not a listed user, so it lives outside SimState.users.

import type { UserRecord } from '../records.ts'

export const PREBUILDS_USER_ID = 'c42fdf75-3097-471c-8c33-fb52454d81c0'

export const PREBUILDS_USER: UserRecord = {
  id: PREBUILDS_USER_ID,
  username: 'prebuilds',
  email: 'prebuilds@system',
  name: 'Prebuilds',
  passwordHash: undefined,
  loginType: 'none',
  status: 'active',
  siteRoles: [],
  organizationIds: [],
  createdAt: '2025-04-01T00:00:00.000Z',
  updatedAt: '2025-04-01T00:00:00.000Z',
  lastSeenAt: '2025-04-01T00:00:00.000Z',
  disabledTemplates: new Map(),
}

/** A user record by id, falling back to the system users (for owner names in workspace JSON). */
export function systemUser(id: string): UserRecord | undefined {
  return id === PREBUILDS_USER_ID ? PREBUILDS_USER : undefined
}
