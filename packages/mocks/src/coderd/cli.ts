import { parseArgs } from 'node:util'

import { parseAddress } from '../shared/listen.ts'
import { type CoderdSimulatorOptions, coderdSimulatorOptionsSchema } from './options.ts'
import { startCoderdSimulator } from './simulator.ts'

const HELP = `usage: scaletest-mocks coderd [flags]

In-memory simulator of the Coder API subset the scaletest scenarios use.

flags:
  --address HOST:PORT             listen address (default 127.0.0.1:3000; :0 picks a free port)
  --access-url URL                base URL used in emails and notification links (default: the listen URL)
  --email-smarthost HOST:PORT     SMTP server for notification emails (CODER_EMAIL_SMARTHOST); none = no email
  --email-from ADDRESS            sender address (default coder@coderd-simulator.local)
  --email-hello NAME              EHLO name (default localhost)
  --first-user-email EMAIL        create an owner at start (with the two flags below)
  --first-user-username NAME
  --first-user-password PASSWORD  or env CODER_FIRST_USER_PASSWORD
  --dispatch-delay-ms N           notification enqueue to delivery delay (default 100)
  --smtp-retry-interval-ms N      wait before retrying a refused SMTP send (default 1000)
  --smtp-max-attempts N           attempts before giving up on an email (default 5)
  --provisioner-daemons N         untagged simulated provisioner daemons (default 3)
  --provisioner-tags K=V,K=V      tags every daemon carries instead (untagged versions then stay pending)
  --job-duration-ms N             provisioner job running time (default 100)
  --import-job-duration-ms N      the same for template version imports (default: --job-duration-ms)
  --acquire-delay-ms N            pending to running delay once a daemon is free (default 0)
  --agent-connect-delay-ms N      start build done to its agents connected (default 50)
  --agent-ready-delay-ms N        agent connected to lifecycle ready (default 50)
  --heartbeat-ms N                SSE/WebSocket ping interval (default 15000)
  --autobuild-poll-interval-ms N  autostart executor tick (default 60000)
  --aibridge-openai-base-url URL  AI Bridge OpenAI upstream, with /v1 (or env CODER_AIBRIDGE_OPENAI_BASE_URL)
  --aibridge-openai-key KEY       key sent upstream (or env CODER_AIBRIDGE_OPENAI_KEY)
  --aibridge-anthropic-base-url URL  AI Bridge Anthropic upstream (or env CODER_AIBRIDGE_ANTHROPIC_BASE_URL)
  --aibridge-anthropic-key KEY    key sent upstream (or env CODER_AIBRIDGE_ANTHROPIC_KEY)
  --prebuilds-reconcile-interval-ms N      prebuilds reconciler tick (default 500)
  --dynamic-parameters-evaluation-cost-ms N  time one dynamic-parameters evaluation holds an evaluator (default 0)
  --dynamic-parameters-cold-cost-ms N     extra cost of a version's first evaluation (default 0)
  --dynamic-parameters-evaluators N       evaluations that run at once (default 4)
  --no-user-notifications         do not send User Account Created/Deleted notifications
  --dangerous-allow-path-app-site-owner-access
                                  site owners may open other users' path-based apps
                                  (or CODER_DANGEROUS_ALLOW_PATH_APP_SITE_OWNER_ACCESS=true)
  --experiments A,B               enabled experiments, as CODER_EXPERIMENTS (default workspace-build-updates; '' for none)
  --help                          print this help
`

const integer = (flag: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${flag} must be a non-negative integer, got '${value}'`)
  return n
}

/** The fields that were given, or undefined when none was. */
function defined<T extends Record<string, number | undefined>>(fields: T): Partial<T> | undefined {
  const out = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>
  return Object.keys(out).length > 0 ? out : undefined
}

function parseTags(value: string): Record<string, string> {
  const tags: Record<string, string> = {}
  for (const pair of value.split(',').filter(Boolean)) {
    const [key, ...rest] = pair.split('=')
    if (!key || rest.length === 0)
      throw new Error(`--provisioner-tags expects KEY=VALUE pairs, got '${pair}'`)
    tags[key] = rest.join('=')
  }
  return tags
}

/** Coder's --aibridge-* server flags, each also read from its CODER_AIBRIDGE_* variable. */
function aibridgeOptions(values: Record<string, unknown>): CoderdSimulatorOptions['aibridge'] {
  const pick = (flag: string, env: string) =>
    (values[flag] as string | undefined) || process.env[env] || undefined
  const options = {
    openaiBaseUrl: pick('aibridge-openai-base-url', 'CODER_AIBRIDGE_OPENAI_BASE_URL'),
    openaiKey: pick('aibridge-openai-key', 'CODER_AIBRIDGE_OPENAI_KEY'),
    anthropicBaseUrl: pick('aibridge-anthropic-base-url', 'CODER_AIBRIDGE_ANTHROPIC_BASE_URL'),
    anthropicKey: pick('aibridge-anthropic-key', 'CODER_AIBRIDGE_ANTHROPIC_KEY'),
  }
  const set = Object.entries(options).filter(([, v]) => v !== undefined)
  return set.length > 0 ? Object.fromEntries(set) : undefined
}

/** `scaletest-mocks coderd`: parses flags, starts the simulator, prints its listen line. */
export async function runCoderdCli(argv: string[]): Promise<{ close(): Promise<void> }> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      address: { type: 'string', default: '127.0.0.1:3000' },
      'access-url': { type: 'string' },
      'email-smarthost': { type: 'string' },
      'email-from': { type: 'string' },
      'email-hello': { type: 'string' },
      'first-user-email': { type: 'string' },
      'first-user-username': { type: 'string' },
      'first-user-password': { type: 'string' },
      'dispatch-delay-ms': { type: 'string' },
      'smtp-retry-interval-ms': { type: 'string' },
      'smtp-max-attempts': { type: 'string' },
      'provisioner-daemons': { type: 'string' },
      'provisioner-tags': { type: 'string' },
      'job-duration-ms': { type: 'string' },
      'import-job-duration-ms': { type: 'string' },
      'acquire-delay-ms': { type: 'string' },
      'agent-connect-delay-ms': { type: 'string' },
      'agent-ready-delay-ms': { type: 'string' },
      'heartbeat-ms': { type: 'string' },
      'autobuild-poll-interval-ms': { type: 'string' },
      'aibridge-openai-base-url': { type: 'string' },
      'aibridge-openai-key': { type: 'string' },
      'aibridge-anthropic-base-url': { type: 'string' },
      'aibridge-anthropic-key': { type: 'string' },
      'prebuilds-reconcile-interval-ms': { type: 'string' },
      'dynamic-parameters-evaluation-cost-ms': { type: 'string' },
      'dynamic-parameters-cold-cost-ms': { type: 'string' },
      'dynamic-parameters-evaluators': { type: 'string' },
      experiments: { type: 'string' },
      'no-user-notifications': { type: 'boolean', default: false },
      'dangerous-allow-path-app-site-owner-access': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help) {
    console.log(HELP)
    return { close: async () => {} }
  }
  const { host, port } = parseAddress(values.address)
  if (values['email-smarthost']) parseAddress(values['email-smarthost'])
  const password = values['first-user-password'] ?? process.env.CODER_FIRST_USER_PASSWORD
  const firstUserFlags = [values['first-user-email'], values['first-user-username'], password]
  if (firstUserFlags.some(Boolean) && !firstUserFlags.every(Boolean))
    throw new Error(
      '--first-user-email, --first-user-username and --first-user-password (or CODER_FIRST_USER_PASSWORD) go together',
    )
  const daemonCount = integer('provisioner-daemons', values['provisioner-daemons'])
  const tags = values['provisioner-tags'] ? parseTags(values['provisioner-tags']) : undefined
  const options: CoderdSimulatorOptions = {
    host,
    port,
    accessUrl: values['access-url'],
    emailSmarthost: values['email-smarthost'],
    emailFrom: values['email-from'],
    emailHello: values['email-hello'],
    firstUser: password
      ? { email: values['first-user-email']!, username: values['first-user-username']!, password }
      : undefined,
    dispatchDelayMs: integer('dispatch-delay-ms', values['dispatch-delay-ms']),
    retryIntervalMs: integer('smtp-retry-interval-ms', values['smtp-retry-interval-ms']),
    maxSendAttempts: integer('smtp-max-attempts', values['smtp-max-attempts']),
    provisionerDaemons: tags ? Array.from({ length: daemonCount ?? 3 }, () => ({ tags })) : daemonCount,
    jobDurationMs: integer('job-duration-ms', values['job-duration-ms']),
    importJobDurationMs: integer('import-job-duration-ms', values['import-job-duration-ms']),
    acquireDelayMs: integer('acquire-delay-ms', values['acquire-delay-ms']),
    agentConnectDelayMs: integer('agent-connect-delay-ms', values['agent-connect-delay-ms']),
    agentReadyDelayMs: integer('agent-ready-delay-ms', values['agent-ready-delay-ms']),
    heartbeatMs: integer('heartbeat-ms', values['heartbeat-ms']),
    autobuildPollIntervalMs: integer('autobuild-poll-interval-ms', values['autobuild-poll-interval-ms']),
    ...(values.experiments !== undefined && {
      experiments: values.experiments
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean),
    }),
    notifyUserEvents: !values['no-user-notifications'],
    dangerousAllowPathAppSiteOwnerAccess:
      values['dangerous-allow-path-app-site-owner-access'] ||
      process.env.CODER_DANGEROUS_ALLOW_PATH_APP_SITE_OWNER_ACCESS === 'true',
    aibridge: aibridgeOptions(values),
    prebuilds: defined({
      reconcileIntervalMs: integer(
        'prebuilds-reconcile-interval-ms',
        values['prebuilds-reconcile-interval-ms'],
      ),
    }),
    dynamicParameters: defined({
      evaluationCostMs: integer(
        'dynamic-parameters-evaluation-cost-ms',
        values['dynamic-parameters-evaluation-cost-ms'],
      ),
      coldCostMs: integer('dynamic-parameters-cold-cost-ms', values['dynamic-parameters-cold-cost-ms']),
      evaluators: integer('dynamic-parameters-evaluators', values['dynamic-parameters-evaluators']),
    }),
  }
  for (const key of Object.keys(options) as (keyof CoderdSimulatorOptions)[])
    if (options[key] === undefined) delete options[key]
  const parsed = coderdSimulatorOptionsSchema.safeParse(options)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    // Never echo the password back: name the field only.
    throw new Error(
      `invalid option ${issue.path.join('.')}: ${issue.path.includes('password') ? 'must be at least 6 characters' : issue.message}`,
    )
  }
  const simulator = await startCoderdSimulator(parsed.data)
  console.log(`coderd simulator listening on ${simulator.url}`)
  return simulator
}
