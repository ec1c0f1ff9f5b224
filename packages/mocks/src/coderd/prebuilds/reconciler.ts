// The prebuilds reconciler (Coder: enterprise/coderd/prebuilds/reconcile.go). Every tick, unless
// reconciliation is paused, each template's active version gets as many prebuilt workspaces per
// preset as the preset's `prebuilds { instances }` asks for, owned by the `prebuilds` system user;
// workspaces of presets that are no longer active, or beyond the desired count, get delete builds.
// Everything goes through the simulated provisioner like any other build.

import { randomBytes, randomUUID } from 'node:crypto'

import { startBuild } from '../handlers/workspaces.ts'
import type { TemplateRecord, TemplateVersionRecord, WorkspaceRecord } from '../records.ts'
import type { Sim } from '../sim.ts'
import { now } from '../state.ts'
import { templateFiles } from '../template-source.ts'
import { type PresetRecord, parsePresets } from './presets.ts'
import { PREBUILDS_USER_ID } from './system-user.ts'

export interface PrebuildsOptions {
  /** CODER_WORKSPACE_PREBUILDS_RECONCILIATION_INTERVAL (Coder: 1m). */
  reconcileIntervalMs: number
  /** Start with reconciliation paused, as after `coder prebuilds pause`. */
  paused: boolean
}

export interface ReconcileResult {
  created: number
  deleted: number
}

export class Prebuilds {
  paused: boolean
  #sim: Sim
  #presets = new Map<string, PresetRecord[]>()
  #presetOf = new Map<string, string>()
  #timer: NodeJS.Timeout

  constructor(sim: Sim, options: PrebuildsOptions) {
    this.#sim = sim
    this.paused = options.paused
    this.#timer = setInterval(() => this.tick(), options.reconcileIntervalMs)
    this.#timer.unref()
  }

  /** A version's presets once its import succeeded (Coder stores them when the import completes). */
  presets(version: TemplateVersionRecord): PresetRecord[] {
    const cached = this.#presets.get(version.id)
    if (cached) return cached
    const { state } = this.#sim
    if (state.jobs.get(version.jobId)?.status !== 'succeeded') return []
    const parsed = version.provisioner === 'terraform' ? parsePresets(this.#files(version)) : []
    this.#presets.set(version.id, parsed)
    return parsed
  }

  presetIdOf(workspaceId: string): string | undefined {
    return this.#presetOf.get(workspaceId)
  }

  /** One reconciliation pass over every template; a paused reconciler does nothing. */
  tick(): ReconcileResult {
    const result = { created: 0, deleted: 0 }
    if (this.paused) return result
    const byTemplate = new Map<string, WorkspaceRecord[]>()
    for (const workspace of this.#sim.state.workspaces.values()) {
      if (workspace.deleted || workspace.ownerId !== PREBUILDS_USER_ID) continue
      const list = byTemplate.get(workspace.templateId) ?? []
      list.push(workspace)
      byTemplate.set(workspace.templateId, list)
    }
    for (const template of this.#sim.state.templates.values())
      this.#reconcile(template, byTemplate.get(template.id) ?? [], result)
    return result
  }

  close(): void {
    clearInterval(this.#timer)
  }

  #reconcile(template: TemplateRecord, prebuilds: WorkspaceRecord[], result: ReconcileResult): void {
    const { state } = this.#sim
    const version = state.templateVersions.get(template.activeVersionId)
    const presets = version ? this.presets(version) : []
    const counted = new Map<string, WorkspaceRecord[]>()
    for (const workspace of prebuilds) {
      const build = state.latestBuild(workspace)
      if (build.transition === 'delete') continue // already going away
      const presetId = this.#presetOf.get(workspace.id)
      const preset = presets.find((p) => p.id === presetId)
      if (!preset || preset.desiredInstances === null) {
        if (this.#delete(workspace)) result.deleted++
        continue
      }
      const list = counted.get(preset.id) ?? []
      list.push(workspace)
      counted.set(preset.id, list)
    }
    for (const preset of presets) {
      if (preset.desiredInstances === null) continue
      const existing = counted.get(preset.id) ?? []
      for (let i = existing.length; i < preset.desiredInstances; i++) {
        this.#create(template, version!, preset)
        result.created++
      }
      for (const surplus of existing.slice(preset.desiredInstances).reverse())
        if (this.#delete(surplus)) result.deleted++
    }
  }

  #create(template: TemplateRecord, version: TemplateVersionRecord, preset: PresetRecord): void {
    const at = now()
    const workspace: WorkspaceRecord = {
      id: randomUUID(),
      organizationId: template.organizationId,
      ownerId: PREBUILDS_USER_ID,
      templateId: template.id,
      // Coder names them `prebuild-` plus random characters (inferred from its reconciler).
      name: `prebuild-${randomBytes(4).toString('hex')}`,
      createdAt: at,
      updatedAt: at,
      lastUsedAt: at,
      latestBuildId: '',
      autostartSchedule: undefined,
      ttlMs: undefined,
      automaticUpdates: 'never',
      deleted: false,
    }
    this.#sim.state.workspaces.set(workspace.id, workspace)
    this.#presetOf.set(workspace.id, preset.id)
    startBuild(this.#sim, workspace, {
      transition: 'start',
      versionId: version.id,
      initiatorId: PREBUILDS_USER_ID,
      reason: 'initiator',
    })
  }

  /** Queues a delete build unless a build is still active (the next tick tries again). */
  #delete(workspace: WorkspaceRecord): boolean {
    const { state } = this.#sim
    const latest = state.latestBuild(workspace)
    const status = state.jobOf(latest).status
    if (status === 'pending' || status === 'running' || status === 'canceling') return false
    startBuild(this.#sim, workspace, {
      transition: 'delete',
      versionId: latest.templateVersionId,
      initiatorId: PREBUILDS_USER_ID,
      reason: 'initiator',
    })
    return true
  }

  #files(version: TemplateVersionRecord): Map<string, string> {
    return templateFiles(this.#sim.state.files.get(version.fileId))
  }
}
