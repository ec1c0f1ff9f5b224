// Where coderd's Go source beats its swagger. The extract stays as swagger has it; these are applied
// on top when the schemas are compiled (validator.ts). Each entry names the Coder file that shows it.
//
// What the swagger lacks altogether is not here but in the extract itself, transcribed from Go by
// GO_SUPPLEMENT in scripts/extract-coder-swagger.ts and listed under the extract's
// `source.supplemented`: the route GET /users/{user}/templateversions/{templateversion}/parameters
// (coderd/parameters.go, a 101 WebSocket of DynamicParametersResponse frames) and the definition
// codersdk.AvailableExperiments (codersdk/deployment.go), which STATUS_OVERRIDES uses below.

type Schema = Record<string, unknown>

const ref = (name: string): Schema => ({ $ref: `#/definitions/${name}` })
const arrayOf = (name: string): Schema => ({ type: 'array', items: ref(name) })

/** Statuses coderd answers that swagger documents differently (`METHOD path` → status → body schema). */
export const STATUS_OVERRIDES: Record<string, Record<string, Schema | null>> = {
  // coderd/templates.go postTemplateByOrganization: httpapi.Write(..., http.StatusCreated, ...).
  'POST /api/v2/organizations/{organization}/templates': { '201': ref('codersdk.Template') },
  // coderd/workspaces.go createWorkspace (both routes): http.StatusCreated.
  'POST /api/v2/organizations/{organization}/members/{user}/workspaces': { '201': ref('codersdk.Workspace') },
  'POST /api/v2/users/{user}/workspaces': { '201': ref('codersdk.Workspace') },
  // coderd/workspacebuilds.go postWorkspaceBuilds: http.StatusCreated.
  'POST /api/v2/workspaces/{workspace}/builds': { '201': ref('codersdk.WorkspaceBuild') },
  // coderd/templates.go patchTemplateMeta: an update that changes nothing is 304 Not Modified, no body.
  'PATCH /api/v2/templates/{template}': { '304': null },
  // coderd/users.go deleteUser: 200 with codersdk.Response{Message: "User has been deleted!"}.
  'DELETE /api/v2/users/{user}': { '200': ref('codersdk.Response') },
  // coderd/notifications.go postTestNotification: 200 with a codersdk.Response.
  'POST /api/v2/notifications/test': { '200': ref('codersdk.Response') },
  // coderd/notifications.go notificationDispatchMethods writes one NotificationMethodsResponse, not an array.
  'GET /api/v2/notifications/dispatch-methods': { '200': ref('codersdk.NotificationMethodsResponse') },
  // coderd/inboxnotifications.go updateInboxNotificationReadStatus answers
  // codersdk.UpdateInboxNotificationReadStatusResponse {notification, unread_count}, not a Response.
  'PUT /api/v2/notifications/inbox/{id}/read-status': { '200': ref('codersdk.GetInboxNotificationResponse') },
  // coderd/workspaces.go watchWorkspace: an SSE stream whose `data` events carry a codersdk.Workspace.
  'GET /api/v2/workspaces/{workspace}/watch': { '200': ref('codersdk.Workspace') },
  // coderd/experiments.go handleExperimentsAvailable writes codersdk.AvailableExperiments{Safe}, an
  // object; swagger's annotation says an array of experiments.
  'GET /api/v2/experiments/available': { '200': ref('codersdk.AvailableExperiments') },
  // coderd/workspaceagents.go patchWorkspaceAgentAppStatus ends httpapi.Write(ctx, rw, http.StatusOK,
  // nil): the body is JSON `null`, not the codersdk.Response swagger's annotation names; the Go
  // client (agentsdk.PatchAppStatus) reads only the status.
  'PATCH /api/v2/workspaceagents/me/app-status': { '200': { type: 'null' } },
}

/** Bodies that are not JSON: checked by status only. */
export const NON_JSON_BODIES = new Set([
  // coderd/files.go fileByID writes the raw tar/zip.
  'GET /api/v2/files/{fileID}',
])

/**
 * Fields codersdk marks `omitempty`, per definition: everything else in these definitions is
 * required, because codersdk always sends it (the point of the check is a lost field). Definitions
 * not listed here only require what swagger requires. Additional properties are allowed
 * everywhere: Coder adds fields over time and clients ignore the ones they do not know.
 */
export const OMITEMPTY: Record<string, string[]> = {
  // codersdk/apikey.go APIKey
  'codersdk.APIKey': [],
  // codersdk/deployment.go BuildInfoResponse (webpush_public_key is omitempty)
  'codersdk.BuildInfoResponse': ['webpush_public_key'],
  // codersdk/users.go
  'codersdk.CreateFirstUserResponse': [],
  'codersdk.GetUsersResponse': [],
  'codersdk.User': ['name', 'avatar_url', 'last_seen_at', 'theme_preference'],
  'codersdk.MinimalUser': ['name', 'avatar_url'],
  'codersdk.LoginWithPasswordResponse': [],
  'codersdk.GenerateAPIKeyResponse': [],
  // codersdk/organizations.go Organization (embeds MinimalOrganization)
  'codersdk.Organization': [],
  'codersdk.OrganizationMember': [],
  'codersdk.OrganizationMemberWithUserData': ['name', 'avatar_url'],
  // codersdk/roles.go SlimRole
  'codersdk.SlimRole': ['organization_id'],
  // codersdk/provisionerdaemons.go ProvisionerJob and friends
  'codersdk.ProvisionerJob': [
    'started_at',
    'completed_at',
    'canceled_at',
    'error',
    'error_code',
    'worker_id',
    'worker_name',
    'available_workers',
  ],
  'codersdk.ProvisionerJobInput': ['template_version_id', 'workspace_build_id', 'error'],
  'codersdk.ProvisionerJobMetadata': ['workspace_id', 'workspace_name'],
  'codersdk.ProvisionerJobLog': [],
  'codersdk.MatchedProvisioners': ['most_recently_seen'],
  // codersdk/templates.go Template, TransitionStats
  'codersdk.Template': [],
  'codersdk.TransitionStats': [],
  'codersdk.TemplateAutostopRequirement': [],
  'codersdk.TemplateAutostartRequirement': [],
  // codersdk/templateversions.go TemplateVersion
  'codersdk.TemplateVersion': ['template_id', 'matched_provisioners'],
  // codersdk/workspaces.go Workspace (autostart_schedule and ttl_ms are omitempty pointers)
  'codersdk.Workspace': ['autostart_schedule', 'ttl_ms'],
  'codersdk.WorkspaceHealth': [],
  'codersdk.WorkspacesResponse': [],
  // codersdk/workspacebuilds.go WorkspaceBuild (has_ai_task and has_external_agent are omitempty *bool)
  'codersdk.WorkspaceBuild': ['matched_provisioners', 'has_ai_task', 'has_external_agent'],
  // codersdk/workspaceresources.go WorkspaceResource
  'codersdk.WorkspaceResource': ['agents', 'metadata'],
  // codersdk/inboxnotification.go
  'codersdk.InboxNotification': [],
  'codersdk.InboxNotificationAction': [],
  'codersdk.GetInboxNotificationResponse': [],
  'codersdk.ListInboxNotificationsResponse': [],
  // codersdk/notifications.go
  'codersdk.NotificationTemplate': [],
  'codersdk.NotificationPreference': [],
  'codersdk.NotificationMethodsResponse': [],
  'codersdk.NotificationsSettings': [],
  // codersdk/files.go UploadResponse
  'codersdk.UploadResponse': [],
  // codersdk/client.go Response: detail and validations are omitempty
  'codersdk.Response': ['detail', 'validations'],
  'codersdk.ValidationError': [],
  // codersdk/serversentevents.go ServerSentEvent: data is always sent (null on pings)
  'codersdk.ServerSentEvent': [],
  // codersdk/workspaceagents.go WorkspaceAgent: the *time.Time stamps, instance_id, directory,
  // expanded_directory and latency are omitempty; the slices are not (sent as [], never absent).
  'codersdk.WorkspaceAgent': [
    'first_connected_at',
    'last_connected_at',
    'disconnected_at',
    'started_at',
    'ready_at',
    'instance_id',
    'directory',
    'expanded_directory',
    'latency',
  ],
  'codersdk.WorkspaceAgentHealth': ['reason'],
  'codersdk.WorkspaceAgentLogSource': [],
  'codersdk.WorkspaceAgentScript': [],
  // codersdk/workspaceapps.go WorkspaceApp (healthcheck is a struct: omitempty never drops it)
  'codersdk.WorkspaceApp': ['url', 'display_name', 'command', 'icon', 'subdomain_name', 'group', 'tooltip'],
  'codersdk.Healthcheck': [],
  'codersdk.WorkspaceAppStatus': [],
  // enterprise prebuilds: codersdk/prebuilds.go PrebuildsSettings
  'codersdk.PrebuildsSettings': [],
  // ExternalAgentCredentials: the Go struct was not in the source index read for this; both
  // swagger properties are plain strings and treated as always sent.
  'codersdk.ExternalAgentCredentials': [],
  // codersdk/aibridge.go
  'codersdk.AIBridgeListInterceptionsResponse': [],
  'codersdk.AIBridgeInterception': [],
  'codersdk.AIBridgeTokenUsage': [],
  'codersdk.AIBridgeUserPrompt': [],
  'codersdk.AIBridgeToolUsage': [],
  // codersdk/parameters.go: the dynamic-parameters response and the preview types it carries
  'codersdk.DynamicParametersResponse': [],
  'codersdk.PreviewParameter': [],
  'codersdk.PreviewParameterOption': [],
  'codersdk.PreviewParameterStyling': ['placeholder', 'disabled', 'label', 'mask_input'],
  'codersdk.PreviewParameterValidation': [],
  'codersdk.FriendlyDiagnostic': [],
  'codersdk.DiagnosticExtra': [],
  'codersdk.NullHCLString': [],
  // codersdk/deployment.go AvailableExperiments
  'codersdk.AvailableExperiments': [],
}

/** Fields Go sends as JSON `null` when unset (pointers and sql.Null* without omitempty). */
export const NULLABLE: Record<string, string[]> = {
  // codersdk/workspaces.go: *time.Time and *WorkspaceAppStatus without omitempty.
  'codersdk.Workspace': ['deleting_at', 'dormant_at', 'next_start_at', 'latest_app_status'],
  // codersdk/workspacebuilds.go: Deadline/MaxDeadline are codersdk.NullTime (null when invalid),
  // TemplateVersionPresetID is *uuid.UUID.
  'codersdk.WorkspaceBuild': ['deadline', 'max_deadline', 'template_version_preset_id'],
  // codersdk/templates.go TransitionStats: P50/P95 are *int64.
  'codersdk.TransitionStats': ['p50', 'p95'],
  // codersdk/inboxnotification.go: ReadAt is *time.Time.
  'codersdk.InboxNotification': ['read_at'],
  // codersdk/provisionerdaemons.go MatchedProvisioners.MostRecentlySeen is NullTime.
  'codersdk.MatchedProvisioners': ['most_recently_seen'],
  // An earlier coderd sent `"notifications": null` for an empty inbox (nil slice).
  'codersdk.ListInboxNotificationsResponse': ['notifications'],
  // coderd/database/db2sdk WorkspaceAgentEnvironment: a nil map (JSON null) when the agent has no
  // environment stored.
  'codersdk.WorkspaceAgent': ['environment_variables'],
  // codersdk/aibridge.go: APIKeyID is *string and EndedAt *time.Time, neither omitempty.
  'codersdk.AIBridgeInterception': ['api_key_id', 'ended_at'],
  // coderd/parameters.go: Parameters stays nil when the renderer returns no result.
  'codersdk.DynamicParametersResponse': ['parameters'],
  // codersdk/parameters.go PreviewParameterValidation: regex, min, max, monotonic are pointers.
  'codersdk.PreviewParameterValidation': [
    'validation_regex',
    'validation_min',
    'validation_max',
    'validation_monotonic',
  ],
}

/** Definitions replaced outright. */
export const REPLACED_DEFINITIONS: Record<string, Schema> = {
  // github.com/google/uuid null.go: NullUUID marshals to the UUID string or null, never {uuid, valid}.
  'uuid.NullUUID': { anyOf: [{ type: 'string', format: 'uuid' }, { type: 'null' }] },
  // A deliberate difference: the simulator implements `workspace-build-updates` (the experiment that
  // gates /api/experimental/watch-all-workspacebuilds, which suites/autostart reads), from a Coder
  // newer than this swagger; codersdk/deployment.go at the extract's commit lists only these.
  'codersdk.Experiment': {
    type: 'string',
    enum: [
      'example',
      'auto-fill-parameters',
      'notifications',
      'workspace-usage',
      'web-push',
      'oauth2',
      'mcp-server-http',
      'workspace-sharing',
      'workspace-build-updates',
    ],
  },
}

/** Property schemas replaced where swagger's enum is stale or contradicts the definition it refers to. */
export const PROPERTY_OVERRIDES: Record<string, Record<string, Schema>> = {
  // codersdk/users.go: UserStatus has dormant (new users start dormant); swagger's inline enum omits it.
  'codersdk.User': { status: ref('codersdk.UserStatus') },
  // codersdk/workspacebuilds.go: BuildReason has dashboard, cli, ssh_connection …; swagger lists three.
  'codersdk.WorkspaceBuild': { reason: ref('codersdk.BuildReason') },
  // codersdk/templateversions.go: the warnings are TemplateVersionWarning values; the inline enum
  // (DEPRECATED_PARAMETERS) contradicts the definition (UNSUPPORTED_WORKSPACES).
  'codersdk.TemplateVersion': { warnings: arrayOf('codersdk.TemplateVersionWarning') },
  // codersdk/organizations.go ProvisionerType: echo as well as terraform.
  'codersdk.Template': { provisioner: { type: 'string', enum: ['terraform', 'echo'] } },
  // codersdk/apikey.go: login_type is any LoginType (swagger lists four of six).
  'codersdk.APIKey': { login_type: ref('codersdk.LoginType') },
}
