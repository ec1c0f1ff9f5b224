// System notification templates (coderd/notifications/events.go; names and texts from the migrations).

export const TEMPLATE_DELETED = '29a09665-2a4c-403f-9648-54301670e7be'
export const USER_ACCOUNT_CREATED = '4e19c0ac-94e1-4532-9515-d1801aa283b2'
export const USER_ACCOUNT_DELETED = 'f44d9314-ad03-4bc8-95d0-5cad491da6b6'
export const WORKSPACE_DELETED = 'f517da0b-cdc9-410f-ab89-a86107c420ed'
export const TEST_NOTIFICATION = 'c425f63e-716a-4bf4-ae24-78348f706c3f'

export interface CatalogueEntry {
  id: string
  name: string
  group: string
  title: string
  body: string
  actions: { label: string; url: string }[]
  enabledByDefault: boolean
  icon: string
}

const entry = (
  id: string,
  name: string,
  group: string,
  title: string,
  body: string,
  actions: { label: string; url: string }[] = [],
  enabledByDefault = true,
): CatalogueEntry => ({
  id,
  name,
  group,
  title,
  body,
  actions,
  enabledByDefault,
  icon:
    group === 'Template Events'
      ? 'DEFAULT_TEMPLATE_ICON'
      : group === 'User Events'
        ? 'DEFAULT_ACCOUNT_ICON'
        : group === 'Workspace Events'
          ? 'DEFAULT_WORKSPACE_ICON'
          : 'DEFAULT_OTHER_ICON',
})

const templates = { label: 'View templates', url: '{{base_url}}/templates' }
const workspaces = { label: 'View workspaces', url: '{{base_url}}/workspaces' }
const users = { label: 'View accounts', url: '{{base_url}}/deployment/users?filter=status%3Aactive' }

export const CATALOGUE: CatalogueEntry[] = [
  entry(
    TEMPLATE_DELETED,
    'Template Deleted',
    'Template Events',
    'Template "{{.Labels.name}}" deleted',
    'The template **{{.Labels.name}}** was deleted by **{{ .Labels.initiator }}**.',
    [templates],
  ),
  entry(
    'f40fae84-55a2-42cd-99fa-b41c1ca64894',
    'Template Deprecated',
    'Template Events',
    'Template "{{.Labels.template}}" has been deprecated',
    'The template **{{.Labels.template}}** has been deprecated with the following message:\n\n**{{.Labels.message}}**',
    [templates],
  ),
  entry(
    '281fdf73-c6d6-4cbb-8ff5-888baf8a2fff',
    'Workspace Created',
    'Workspace Events',
    'Workspace "{{.Labels.workspace}}" has been created',
    'Your workspace **{{.Labels.workspace}}** has been created from the template **{{.Labels.template}}** using version **{{.Labels.version}}**.',
    [workspaces],
    false,
  ),
  entry(
    'd089fe7b-d5c5-4c0c-aaf5-689859f7d392',
    'Workspace Manually Updated',
    'Workspace Events',
    'Workspace "{{.Labels.workspace}}" has been manually updated',
    'A new workspace build has been manually created for your workspace **{{.Labels.workspace}}** by **{{.Labels.initiator}}** to update it to version **{{.Labels.version}}** of template **{{.Labels.template}}**.',
    [workspaces],
    false,
  ),
  entry(
    WORKSPACE_DELETED,
    'Workspace Deleted',
    'Workspace Events',
    'Workspace "{{.Labels.name}}" deleted',
    'Your workspace **{{.Labels.name}}** was deleted.\n\nThe specified reason was "**{{.Labels.reason}}**".',
    [workspaces],
  ),
  entry(
    '381df2a9-c0c0-4749-420f-80a9280c66f9',
    'Workspace Autobuild Failed',
    'Workspace Events',
    'Workspace "{{.Labels.name}}" autobuild failed',
    'Automatic build of your workspace **{{.Labels.name}}** failed.\n\nThe specified reason was "**{{.Labels.reason}}**".',
    [workspaces],
  ),
  entry(
    '2faeee0f-26cb-4e96-821c-85ccb9f71513',
    'Workspace Manual Build Failed',
    'Workspace Events',
    'Workspace "{{.Labels.name}}" manual build failed',
    'A manual build of the workspace **{{.Labels.name}}** failed.',
    [workspaces],
  ),
  entry(
    '0ea69165-ec14-4314-91f1-69566ac3c5a0',
    'Workspace Marked as Dormant',
    'Workspace Events',
    'Workspace "{{.Labels.name}}" marked as dormant',
    'Your workspace **{{.Labels.name}}** has been marked as dormant.',
    [workspaces],
  ),
  entry(
    '51ce2fdf-c9ca-4be1-8d70-628674f9bc42',
    'Workspace Marked for Deletion',
    'Workspace Events',
    'Workspace "{{.Labels.name}}" marked for deletion',
    'Your workspace **{{.Labels.name}}** has been marked for deletion.',
    [workspaces],
  ),
  entry(
    'c34a0c09-0704-4cac-bd1c-0c0146811c2b',
    'Workspace Updated Automatically',
    'Workspace Events',
    'Workspace "{{.Labels.name}}" updated automatically',
    'Your workspace **{{.Labels.name}}** has been updated automatically to the latest template version ({{.Labels.template_version_name}}).',
    [workspaces],
  ),
  entry(
    USER_ACCOUNT_CREATED,
    'User Account Created',
    'User Events',
    'User account "{{.Labels.created_account_name}}" created',
    'New user account **{{.Labels.created_account_name}}** has been created.',
    [users],
  ),
  entry(
    USER_ACCOUNT_DELETED,
    'User Account Deleted',
    'User Events',
    'User account "{{.Labels.deleted_account_name}}" deleted',
    'User account **{{.Labels.deleted_account_name}}** has been deleted.',
    [users],
  ),
  entry(
    'b02ddd82-4733-4d02-a2d7-c36f3598997d',
    'User Account Suspended',
    'User Events',
    'User account "{{.Labels.suspended_account_name}}" suspended',
    'User account **{{.Labels.suspended_account_name}}** has been suspended.',
    [users],
  ),
  entry(
    '9f5af851-8408-4e73-a7a1-c6502ba46689',
    'User Account Activated',
    'User Events',
    'User account "{{.Labels.activated_account_name}}" activated',
    'User account **{{.Labels.activated_account_name}}** has been activated.',
    [users],
  ),
  entry(
    TEST_NOTIFICATION,
    'Test Notification',
    'Notification Events',
    'A test notification',
    'Hi there,\n\nThis is a test notification.',
    [{ label: 'View notification settings', url: '{{base_url}}/deployment/notifications?tab=settings' }],
  ),
]

export const CATALOGUE_BY_ID = new Map(CATALOGUE.map((e) => [e.id, e]))

/** `{{.Labels.x}}`, `{{ .Labels.x }}` and `{{base_url}}` substitutions; unknown labels render empty. */
export function render(text: string, labels: Record<string, string>, baseUrl: string): string {
  return text
    .replace(/\{\{\s*\.Labels\.(\w+)\s*\}\}/g, (_, key: string) => labels[key] ?? '')
    .replace(/\{\{\s*base_url\s*\}\}/g, baseUrl)
}

/** Markdown as Coder's templates use it (bold, code, paragraphs) to plain text. */
export function markdownToPlain(markdown: string): string {
  return markdown.replace(/\*\*(.*?)\*\*/g, '$1').replace(/`([^`]*)`/g, '$1')
}

export function catalogueJson(entry: CatalogueEntry) {
  return {
    id: entry.id,
    name: entry.name,
    title_template: entry.title,
    body_template: entry.body,
    actions: JSON.stringify(entry.actions),
    group: entry.group,
    method: '',
    kind: 'system',
    enabled_by_default: entry.enabledByDefault,
  }
}
