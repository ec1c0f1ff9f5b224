import { z } from 'zod'

import { eventFaultsSchema } from './events/admin.ts'
import { WORKSPACE_BUILD_UPDATES } from './events/experiments.ts'
import { notificationFaultsSchema } from './notifications/faults.ts'

const ms = z.number().int().min(0)

export const coderdSimulatorOptionsSchema = z.strictObject({
  /** Interface to bind; `0.0.0.0` inside containers. */
  host: z.string().default('127.0.0.1'),
  /** 0 picks a free port. */
  port: z.number().int().min(0).max(65_535).default(0),
  /** Base URL in emails and notification actions (CODER_ACCESS_URL); defaults to the listen URL. */
  accessUrl: z.url().optional(),
  /** Created at start with the owner role, as `coder server --first-user-*` would. */
  firstUser: z
    .strictObject({
      email: z.email(),
      username: z.string().min(1),
      password: z.string().min(6),
      name: z.string().optional(),
    })
    .optional(),
  /** `HOST:PORT` of the SMTP server (CODER_EMAIL_SMARTHOST); without it no email is sent. */
  emailSmarthost: z.string().optional(),
  emailFrom: z.string().default('coder@coderd-simulator.local'),
  emailHello: z.string().default('localhost'),
  smtpMaxConnections: z.number().int().min(1).default(16),
  /** Delay between a notification's enqueue and its delivery to inbox and SMTP (Coder: fetch interval, 15 s). */
  dispatchDelayMs: ms.default(100),
  /** Wait before retrying a refused SMTP send (Coder: 5m). */
  retryIntervalMs: ms.default(1_000),
  maxSendAttempts: z.number().int().min(1).default(5),
  /** Simulated provisioner daemons: a count of untagged ones, or each daemon's tags. Coder's default is 3. */
  provisionerDaemons: z
    .union([
      z.number().int().min(0),
      z.array(
        z.strictObject({ name: z.string().optional(), tags: z.record(z.string(), z.string()).optional() }),
      ),
    ])
    .default(3),
  acquireDelayMs: ms.default(0),
  /** Time a job spends running before it succeeds. */
  jobDurationMs: ms.default(100),
  /** Same for template version imports; defaults to `jobDurationMs`. */
  importJobDurationMs: ms.optional(),
  cancelDurationMs: ms.default(50),
  /** A start build's job success → its agents connect (status connected, lifecycle starting). */
  agentConnectDelayMs: ms.default(50),
  /** Agent connected → lifecycle ready (startup scripts finished). */
  agentReadyDelayMs: ms.default(50),
  /** A reconnecting PTY session nobody holds ends after this long (its output buffer with it). */
  ptyIdleTimeoutMs: z.number().int().min(1).default(60_000),
  /** SSE ping and WebSocket ping interval (Coder: 15 s). */
  heartbeatMs: z.number().int().min(10).default(15_000),
  /** Autostart executor tick (CODER_AUTOBUILD_POLL_INTERVAL, 1m). */
  autobuildPollIntervalMs: z.number().int().min(10).default(60_000),
  /**
   * coderd's `--dangerous-allow-path-app-site-owner-access`: site owners may open path-based apps of
   * other users' workspaces (as `coder exp scaletest workspace-traffic --app` does). Off, as in Coder.
   */
  dangerousAllowPathAppSiteOwnerAccess: z.boolean().default(false),
  /** Send User Account Created/Deleted to owners and user admins, as Coder does. */
  notifyUserEvents: z.boolean().default(true),
  /** Chats API: provider cache TTL, replicas, stream framing, provider retries (chats/routes.ts). */
  chats: z
    .strictObject({
      providerCacheTtlMs: z.number().int().min(0).optional(),
      replicas: z.number().int().min(1).optional(),
      streamFraming: z.enum(['array', 'envelope']).optional(),
      maxAttempts: z.number().int().min(1).optional(),
      retryBaseMs: z.number().int().min(0).optional(),
      requestTimeoutMs: z.number().int().min(1).optional(),
      providerHeaders: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  /**
   * AI Bridge upstreams, named after Coder's server settings (CODER_AIBRIDGE_OPENAI_BASE_URL,
   * CODER_AIBRIDGE_OPENAI_KEY, CODER_AIBRIDGE_ANTHROPIC_BASE_URL, CODER_AIBRIDGE_ANTHROPIC_KEY).
   * The OpenAI base includes `/v1`, the Anthropic one does not, as in Coder. Unset: that provider's
   * bridge routes answer 503.
   */
  aibridge: z
    .strictObject({
      openaiBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
      openaiKey: z.string().optional(),
      anthropicBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
      anthropicKey: z.string().optional(),
      /** Interceptions kept in memory, the oldest dropped first (default 100,000). */
      maxInterceptions: z.number().int().min(1).optional(),
    })
    .optional(),
  /** Prebuilds reconciler (prebuilds/reconciler.ts): tick interval (Coder: 1m) and initial pause. */
  prebuilds: z
    .strictObject({
      reconcileIntervalMs: z.number().int().min(10).default(500),
      paused: z.boolean().default(false),
    })
    .prefault({}),
  /** Dynamic-parameters evaluation cost (dynamic-parameters/cost.ts): per evaluation, first per version, parallel slots. */
  dynamicParameters: z
    .strictObject({
      evaluationCostMs: ms.default(0),
      coldCostMs: ms.default(0),
      evaluators: z.number().int().min(1).default(4),
      sessionTimeoutMs: z.number().int().min(1).default(180_000),
    })
    .prefault({}),
  /** Enabled experiments (CODER_EXPERIMENTS); `GET /api/v2/experiments` lists them. */
  experiments: z.array(z.string().min(1)).default([WORKSPACE_BUILD_UPDATES]),
  /** Initial event-stream faults; change them later with `POST /__admin/event-faults`. */
  eventFaults: eventFaultsSchema.optional(),
  /** Keep the last N API requests (arrival, route, status, caller) for assertions; 0 keeps none. */
  requestLogSize: z.number().int().min(0).default(0),
  /** Initial notification faults; change them later with `setFaults()` or `POST /__admin/faults`. */
  faults: notificationFaultsSchema.optional(),
})

export type CoderdSimulatorOptions = z.input<typeof coderdSimulatorOptionsSchema>
export type ResolvedCoderdSimulatorOptions = z.infer<typeof coderdSimulatorOptionsSchema>
