import { API, CoderClientCore, seg, signalOnly } from './client-core.ts'
import { CoderJobError } from './errors.ts'
import { ACTIVE_JOB_STATUSES, type PollOptions, pollUntil } from './poll.ts'
import type {
  CreateTemplateRequest,
  CreateTemplateVersionRequest,
  UpdateTemplateRequest,
} from './requests.ts'
import * as s from './schemas.ts'
import type { CoderStream } from './stream.ts'
import { validate } from './transport.ts'
import { type DialOptions, dialJsonWebSocket } from './websocket-stream.ts'

export interface JobWaitOptions extends PollOptions {
  /** Job statuses that end the wait without an error. Default `['succeeded']`. */
  accept?: s.ProvisionerJobStatus[]
}

/** Files, template versions with their provisioner jobs, and templates (codersdk). */
export class CoderTemplatesClient extends CoderClientCore {
  // Files (§3)

  /** Uploads a tar (see createTar) or zip; returns the file id (`hash`) used by template versions. */
  uploadFile(
    content: Uint8Array,
    contentType = 'application/x-tar',
    signal?: AbortSignal,
  ): Promise<s.UploadResponse> {
    const raw = { body: content, contentType }
    return this.transport.json(s.uploadResponseSchema, 'POST', `${API}/files`, {
      raw,
      ok: [200, 201],
      signal,
    })
  }

  // Template versions and provisioner jobs (§4)

  createTemplateVersion(
    org: string,
    req: CreateTemplateVersionRequest,
    signal?: AbortSignal,
  ): Promise<s.TemplateVersion> {
    const json = { storage_method: 'file', tags: {}, ...req }
    const path = `${API}/organizations/${seg(org)}/templateversions`
    return this.transport.json(s.templateVersionSchema, 'POST', path, { json, signal })
  }

  templateVersion(id: string, signal?: AbortSignal): Promise<s.TemplateVersion> {
    return this.transport.json(s.templateVersionSchema, 'GET', `${API}/templateversions/${seg(id)}`, {
      signal,
    })
  }

  cancelTemplateVersion(id: string, signal?: AbortSignal): Promise<{ message: string }> {
    const path = `${API}/templateversions/${seg(id)}/cancel`
    return this.transport.json(s.messageResponseSchema, 'PATCH', path, { signal })
  }

  templateVersionLogs(id: string, options: { after?: number; before?: number; signal?: AbortSignal } = {}) {
    const query = { after: options.after, before: options.before }
    const path = `${API}/templateversions/${seg(id)}/logs`
    return this.transport.json(s.provisionerJobLogsSchema, 'GET', path, {
      query,
      ...signalOnly(options.signal),
    })
  }

  /** Follows the import logs over a websocket: stored logs after `after`, then live ones; ends when the job does. */
  followTemplateVersionLogs(
    id: string,
    options: DialOptions & { after?: number } = {},
  ): Promise<CoderStream<s.ProvisionerJobLog>> {
    const path = `${API}/templateversions/${seg(id)}/logs`
    const query = { follow: true, after: options.after }
    return dialJsonWebSocket(this.transport, path, query, s.provisionerJobLogSchema, (log) => [log], options)
  }

  /**
   * Polls until the import job ends. Throws CoderJobError unless it ends in `accept` (default
   * succeeded), and at once when no provisioner daemon matches the version's tags.
   */
  async waitForTemplateVersionJob(id: string, options: JobWaitOptions = {}): Promise<s.TemplateVersion> {
    const what = `template version ${id}`
    const version = await pollUntil(
      `wait for ${what}`,
      (signal) => this.templateVersion(id, signal),
      (v) =>
        !ACTIVE_JOB_STATUSES.has(v.job.status) ||
        (v.job.status === 'pending' && v.matched_provisioners?.count === 0),
      { intervalMs: 2_000, ...options, describe: (v) => v.job.status },
    )
    if (version.job.status === 'pending') {
      throw new CoderJobError(what, { ...version.job, error: 'no provisioner daemon matches its tags' })
    }
    if (!(options.accept ?? ['succeeded']).includes(version.job.status))
      throw new CoderJobError(what, version.job)
    return version
  }

  // Templates (§5)

  createTemplate(org: string, req: CreateTemplateRequest, signal?: AbortSignal): Promise<s.Template> {
    const path = `${API}/organizations/${seg(org)}/templates`
    return this.transport.json(s.templateSchema, 'POST', path, { json: req, signal })
  }

  template(id: string, signal?: AbortSignal): Promise<s.Template> {
    return this.transport.json(s.templateSchema, 'GET', `${API}/templates/${seg(id)}`, { signal })
  }

  templateByName(org: string, name: string, signal?: AbortSignal): Promise<s.Template> {
    const path = `${API}/organizations/${seg(org)}/templates/${seg(name)}`
    return this.transport.json(s.templateSchema, 'GET', path, { signal })
  }

  /** `q` keys: `exact_name:`, `name:`, `organization:`, `author:`, `deprecated:`. */
  listTemplates(query: { q?: string } = {}, signal?: AbortSignal): Promise<s.Template[]> {
    return this.transport.json(s.templatesSchema, 'GET', `${API}/templates`, {
      query: { q: query.q },
      signal,
    })
  }

  organizationTemplates(org: string, signal?: AbortSignal): Promise<s.Template[]> {
    return this.transport.json(s.templatesSchema, 'GET', `${API}/organizations/${seg(org)}/templates`, {
      signal,
    })
  }

  /** Coder answers 304 when nothing changed; the current template is returned either way. */
  async updateTemplate(id: string, req: UpdateTemplateRequest, signal?: AbortSignal): Promise<s.Template> {
    const res = await this.transport.send('PATCH', `${API}/templates/${seg(id)}`, {
      json: req,
      ok: [200, 304],
      signal,
    })
    if (res.status === 304) return this.template(id, signal)
    return validate(s.templateSchema, res.endpoint, res.body)
  }

  /** Promotes a version to active. */
  updateActiveTemplateVersion(templateId: string, versionId: string, signal?: AbortSignal) {
    const path = `${API}/templates/${seg(templateId)}/versions`
    return this.transport.json(s.messageResponseSchema, 'PATCH', path, { json: { id: versionId }, signal })
  }

  deleteTemplate(id: string, signal?: AbortSignal): Promise<{ message: string }> {
    return this.transport.json(s.messageResponseSchema, 'DELETE', `${API}/templates/${seg(id)}`, { signal })
  }
}
