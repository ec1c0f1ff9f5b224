// Many users each create one workspace, wait for its build and its agents, and optionally run a
// command over reconnecting PTY. Rebuilds `coder exp scaletest create-workspaces`.

import {
  createAgentTemplate,
  expect,
  randomTag,
  resolveTemplate,
  scaleTest,
  type Template,
} from '@scaletest/vitest'
import { loadCreateWorkspacesConfig } from './config.ts'
import { createWorkspacesRunner } from './runner/run.ts'

scaleTest(
  'creates workspaces and waits for their builds and agents',
  async ({ coder, mocks, harness, logger, onTestFinished }) => {
    const config = loadCreateWorkspacesConfig(process.env)
    const tag = randomTag()
    const me = await coder.me()
    const organizationId = me.organization_ids[0]!

    // 1. The template: the one named, or an agent template of this run's own.
    let template: Template
    if (config.template) template = await resolveTemplate(coder, config.template, me.organization_ids)
    else {
      template = await createAgentTemplate(coder, organizationId, `scaletest-cw-${tag}`)
      onTestFinished(async () => {
        if (!config.noCleanup) await coder.deleteTemplate(template.id)
      })
    }
    logger.info(
      `create-workspaces: ${config.count} workspace(s) of ${template.name}, retry ${config.retry}, ` +
        `${config.noWaitForAgents ? 'not waiting for agents' : 'waiting for agents'}` +
        `${config.runCommand ? `, then "${config.runCommand.command}" over PTY` : ''}`,
    )

    // 2. One runner per workspace, each on its own HTTP connections.
    for (let i = 0; i < config.count; i++) {
      const runner = createWorkspacesRunner(config, {
        owner: coder,
        hostToken: mocks.coderSessionToken ?? '',
        organizationId,
        templateId: template.id,
        tag,
      })
      harness.add('workspacebuild', String(i), runner)
    }
    const results = await harness.run()
    expect(results).toHaveNoFailures()
  },
)
