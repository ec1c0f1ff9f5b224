import { z } from 'zod'

import { canManageUsers, isOwner } from '../auth.ts'
import { organizationJson, roleJson } from '../convert.ts'
import { badRequest, forbidden, notFound } from '../http/api-error.ts'
import { readJson } from '../http/body.ts'
import { BUILD_VERSION, sendJson } from '../http/respond.ts'
import type { OrganizationRecord, UserRecord } from '../records.ts'
import type { Ctx, SimRoute } from '../sim.ts'
import { now } from '../state.ts'
import { resolveUser } from './common.ts'

const ORG_ROLES = new Set([
  'organization-admin',
  'organization-user-admin',
  'organization-template-admin',
  'organization-auditor',
  'organization-workspace-creation-ban',
])

/** A fixed P-256 public key (base64url, uncompressed point): the simulator sends no pushes. */
const WEBPUSH_PUBLIC_KEY =
  'BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U'

/** `{org}`: id, name or `default`; members only see their own organizations (404 otherwise, as RBAC hides them). */
export function resolveOrganization(ctx: Ctx, ref: string): OrganizationRecord {
  const org = ctx.sim.state.findOrganization(ref)
  if (!org || (!isOwner(ctx.user) && !org.memberRoles.has(ctx.user.id))) throw notFound()
  return org
}

function memberJson(org: OrganizationRecord, user: UserRecord) {
  return {
    user_id: user.id,
    username: user.username,
    // codersdk/organizations.go OrganizationMemberWithUserData: name and avatar_url are omitempty.
    ...(user.name !== '' && { name: user.name }),
    email: user.email,
    organization_id: org.id,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
    roles: (org.memberRoles.get(user.id) ?? []).map((r) => roleJson(r, org.id)),
    global_roles: user.siteRoles.map((r) => roleJson(r)),
  }
}

export function organizationRoutes(): SimRoute[] {
  return [
    {
      method: 'GET',
      pattern: '/api/v2/buildinfo',
      public: true,
      handler: (ctx) =>
        sendJson(ctx.res, 200, {
          external_url: 'https://github.com/coder/coder',
          version: BUILD_VERSION,
          dashboard_url: ctx.sim.baseUrl(),
          telemetry: false,
          workspace_proxy: false,
          agent_api_version: '2.6',
          provisioner_api_version: '1.10',
          upgrade_message: '',
          deployment_id: ctx.sim.state.deploymentId,
          // codersdk/deployment.go BuildInfoResponse.WebPushPublicKey (the deployment's VAPID key).
          webpush_public_key: WEBPUSH_PUBLIC_KEY,
        }),
    },
    {
      method: 'GET',
      pattern: '/api/v2/organizations',
      handler: (ctx) => {
        const orgs = [...ctx.sim.state.organizations.values()].filter(
          (o) => isOwner(ctx.user) || o.memberRoles.has(ctx.user.id),
        )
        sendJson(ctx.res, 200, orgs.map(organizationJson))
      },
    },
    {
      method: 'GET',
      pattern: '/api/v2/organizations/:org',
      handler: (ctx) => sendJson(ctx.res, 200, organizationJson(resolveOrganization(ctx, ctx.params.org!))),
    },
    {
      method: 'GET',
      pattern: '/api/v2/organizations/:org/members',
      handler: (ctx) => {
        const org = resolveOrganization(ctx, ctx.params.org!)
        const members = [...org.memberRoles.keys()]
          .map((id) => ctx.sim.state.users.get(id))
          .filter((u) => u !== undefined)
        sendJson(
          ctx.res,
          200,
          members.map((u) => memberJson(org, u)),
        )
      },
    },
    {
      method: 'PUT',
      pattern: '/api/v2/organizations/:org/members/:user/roles',
      handler: async (ctx) => {
        const org = resolveOrganization(ctx, ctx.params.org!)
        const user = resolveUser(ctx, ctx.params.user!)
        const body = await readJson(ctx.req, z.strictObject({ roles: z.array(z.string()) }))
        if (!canManageUsers(ctx.user)) throw forbidden()
        if (user.id === ctx.user.id) throw badRequest('You cannot change your own organization roles.')
        if (!org.memberRoles.has(user.id)) throw notFound()
        const unknown = body.roles.filter((r) => !ORG_ROLES.has(r))
        if (unknown.length > 0)
          throw badRequest(`Invalid role "${unknown[0]}".`, [
            { field: 'roles', detail: `unknown organization role: ${unknown.join(', ')}` },
          ])
        org.memberRoles.set(user.id, [...new Set(body.roles)])
        user.updatedAt = now()
        // coderd/members.go putMemberRoles answers the plain codersdk.OrganizationMember.
        const { user_id, organization_id, created_at, updated_at, roles } = memberJson(org, user)
        sendJson(ctx.res, 200, { user_id, organization_id, created_at, updated_at, roles })
      },
    },
  ]
}
