// The client's zod schemas against Coder's swagger (the extract the simulator is checked with): for
// every endpoint the client reads, a body with every field and a body with only the fields codersdk
// always sends (nulls where Coder sends null) must parse, and parsing must keep what scenarios read.

import { describe, expect, it } from 'vitest'
import { z } from 'zod'

import { ConformanceValidator, type Edge, patchedDefinitions, sampleOf } from '@scaletest/mocks/conformance'
import * as a from './agent-schemas.ts'
import * as ai from './aibridge-schemas.ts'
import * as e from './event-schemas.ts'
import * as p from './parameter-schemas.ts'
import * as s from './schemas.ts'
import * as w from './workspace-schemas.ts'

const validator = new ConformanceValidator()
const definitions = patchedDefinitions(validator.extract)

/** Endpoint → status → the client schema that parses it, and the paths scenarios read from it. */
const CLIENT: Record<string, [status: number, schema: z.ZodType, reads: string[]]> = {
  'GET /api/v2/buildinfo': [200, s.buildInfoSchema, ['version', 'deployment_id']],
  'POST /api/v2/users/first': [201, s.createFirstUserResponseSchema, ['user_id', 'organization_id']],
  'GET /api/v2/users/first': [200, s.messageResponseSchema, ['message']],
  'POST /api/v2/users/login': [201, s.loginResponseSchema, ['session_token']],
  'POST /api/v2/users/logout': [200, s.messageResponseSchema, ['message']],
  'GET /api/v2/users': [200, s.usersResponseSchema, ['count', 'users.0.id', 'users.0.username']],
  'POST /api/v2/users': [201, s.userSchema, ['id', 'username', 'email', 'organization_ids', 'roles']],
  'GET /api/v2/users/{user}': [200, s.userSchema, ['id', 'status', 'login_type']],
  'PUT /api/v2/users/{user}/roles': [200, s.userSchema, ['roles.0.name']],
  'GET /api/v2/users/{user}/organizations': [200, z.array(s.organizationSchema), ['0.id', '0.is_default']],
  'GET /api/v2/organizations': [200, z.array(s.organizationSchema), ['0.id']],
  'GET /api/v2/organizations/{organization}': [200, s.organizationSchema, ['id', 'is_default']],
  'POST /api/v2/users/{user}/keys/tokens': [201, s.generateTokenResponseSchema, ['key']],
  'POST /api/v2/files': [201, s.uploadResponseSchema, ['hash']],
  'POST /api/v2/organizations/{organization}/templateversions': [
    201,
    s.templateVersionSchema,
    ['id', 'job.id', 'job.status', 'job.initiator_id', 'created_by.name', 'matched_provisioners.count'],
  ],
  'GET /api/v2/templateversions/{templateversion}': [
    200,
    s.templateVersionSchema,
    ['job.status', 'job.queue_position'],
  ],
  'GET /api/v2/templates/{template}/versions': [200, z.array(s.templateVersionSchema), ['0.id']],
  'GET /api/v2/organizations/{organization}/provisionerjobs/{job}': [
    200,
    s.provisionerJobSchema,
    ['status', 'type'],
  ],
  'GET /api/v2/templateversions/{templateversion}/logs': [
    200,
    s.provisionerJobLogsSchema,
    ['0.output', '0.log_source'],
  ],
  'GET /api/v2/workspacebuilds/{workspacebuild}/logs': [200, s.provisionerJobLogsSchema, ['0.stage']],
  'POST /api/v2/organizations/{organization}/templates': [201, s.templateSchema, ['id', 'active_version_id']],
  'GET /api/v2/templates/{template}': [200, s.templateSchema, ['id', 'name', 'deprecated']],
  'GET /api/v2/templates': [200, s.templatesSchema, ['0.id']],
  'GET /api/v2/organizations/{organization}/templates': [200, s.templatesSchema, ['0.name']],
  'DELETE /api/v2/templates/{template}': [200, s.messageResponseSchema, ['message']],
  'GET /api/v2/notifications/inbox': [200, s.inboxListSchema, ['unread_count', 'notifications']],
  'GET /api/v2/notifications/inbox/watch': [
    200,
    s.inboxWatchFrameSchema,
    ['notification.id', 'unread_count'],
  ],
  'PUT /api/v2/notifications/inbox/{id}/read-status': [
    200,
    s.inboxReadStatusResponseSchema,
    ['notification.read_at'],
  ],
  'GET /api/v2/notifications/templates/system': [200, s.notificationTemplatesSchema, ['0.id', '0.name']],
  'POST /api/v2/users/{user}/workspaces': [201, w.workspaceSchema, ['id', 'latest_build.id']],
  'POST /api/v2/organizations/{organization}/members/{user}/workspaces': [201, w.workspaceSchema, ['id']],
  'GET /api/v2/workspaces': [200, w.workspacesResponseSchema, ['count', 'workspaces.0.id']],
  'GET /api/v2/workspaces/{workspace}': [
    200,
    w.workspaceSchema,
    ['latest_build.status', 'latest_build.job.status', 'latest_build.deadline', 'latest_build.resources'],
  ],
  'GET /api/v2/users/{user}/workspace/{workspacename}': [200, w.workspaceSchema, ['id', 'owner_name']],
  'POST /api/v2/workspaces/{workspace}/builds': [
    201,
    w.workspaceBuildSchema,
    ['id', 'build_number', 'transition'],
  ],
  'GET /api/v2/workspaces/{workspace}/builds': [200, w.workspaceBuildsSchema, ['0.reason']],
  'GET /api/v2/workspacebuilds/{workspacebuild}': [200, w.workspaceBuildSchema, ['status', 'job.status']],
  'GET /api/v2/workspaces/{workspace}/watch-ws': [200, s.oneWayFrameSchema, ['type']],
  'PATCH /api/v2/workspacebuilds/{workspacebuild}/cancel': [200, s.messageResponseSchema, ['message']],
  'GET /api/v2/workspaceagents/{workspaceagent}': [
    200,
    a.workspaceAgentDetailSchema,
    ['id', 'status', 'lifecycle_state', 'ready_at', 'apps.0.slug', 'health.healthy', 'log_sources.0.id'],
  ],
  'GET /api/v2/workspaces/{workspace}/external-agent/{agent}/credentials': [
    200,
    a.externalAgentCredentialsSchema,
    ['agent_token', 'command'],
  ],
  'GET /api/v2/aibridge/interceptions': [
    200,
    ai.aibridgeListInterceptionsSchema,
    [
      'count',
      'results.0.id',
      'results.0.initiator.id',
      'results.0.ended_at',
      'results.0.token_usages.0.input_tokens',
      'results.0.token_usages.0.output_tokens',
      'results.0.user_prompts.0.prompt',
      'results.0.tool_usages.0.tool',
    ],
  ],
  'GET /api/v2/experiments': [200, e.experimentsSchema, ['0']],
  'GET /api/v2/prebuilds/settings': [200, p.prebuildsSettingsSchema, ['reconciliation_paused']],
  'PUT /api/v2/prebuilds/settings': [200, p.prebuildsSettingsSchema, ['reconciliation_paused']],
  // The same body is every frame of the dynamic-parameters WebSocket (the client parses both).
  'POST /api/v2/templateversions/{templateversion}/dynamic-parameters/evaluate': [
    200,
    p.dynamicParametersResponseSchema,
    [
      'id',
      'diagnostics.0.severity',
      'parameters.0.name',
      'parameters.0.value.value',
      'parameters.0.options.0.value',
    ],
  ],
}

function at(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], value)
}

describe('client schemas against the swagger extract', () => {
  it('covers only endpoints the extract has, with statuses it documents', () => {
    for (const [endpoint, [status]] of Object.entries(CLIENT))
      expect(validator.schemaFor(endpoint, status), endpoint).toBeTruthy()
    expect(Object.keys(CLIENT).length).toBeGreaterThanOrEqual(45)
  })

  for (const edge of ['full', 'minimal'] as Edge[])
    it(`parses a ${edge} valid body of every endpoint and keeps the fields scenarios read`, () => {
      const failures: string[] = []
      for (const [endpoint, [status, schema, reads]] of Object.entries(CLIENT)) {
        const body = sampleOf(validator.schemaFor(endpoint, status)!, definitions, edge)
        // The sample itself must be valid Coder output, or this test proves nothing.
        expect(validator.check(endpoint, status, body).errors, `${endpoint} sample`).toEqual([])
        const parsed = schema.safeParse(body)
        if (!parsed.success) {
          failures.push(
            `${endpoint}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
          )
          continue
        }
        for (const path of reads)
          if (at(body, path) !== undefined && at(parsed.data, path) === undefined)
            failures.push(`${endpoint}: parse dropped ${path}`)
      }
      expect(failures).toEqual([])
    })

  it('reads an inbox list with "notifications": null (an earlier coderd) as empty', () => {
    expect(s.inboxListSchema.parse({ notifications: null, unread_count: 0 })).toEqual({
      notifications: [],
      unread_count: 0,
    })
  })

  it('rejects values outside the typed enums', () => {
    const build = sampleOf(
      validator.schemaFor('GET /api/v2/workspacebuilds/{workspacebuild}', 200)!,
      definitions,
      'full',
    )
    expect(w.workspaceBuildSchema.safeParse({ ...(build as object), reason: 'bogus' }).success).toBe(false)
    const log = {
      id: 1,
      created_at: 'x',
      log_source: 'elsewhere',
      log_level: 'info',
      stage: 's',
      output: 'o',
    }
    expect(s.provisionerJobLogSchema.safeParse(log).success).toBe(false)
  })
})
