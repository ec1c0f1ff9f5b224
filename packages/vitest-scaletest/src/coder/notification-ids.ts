// Notification template ids from coderd/notifications/events.go.

export const TEMPLATE_DELETED_NOTIFICATION_ID = '29a09665-2a4c-403f-9648-54301670e7be'

export const NOTIFICATION_TEMPLATE_IDS = {
  templateDeleted: TEMPLATE_DELETED_NOTIFICATION_ID,
  templateDeprecated: 'f40fae84-55a2-42cd-99fa-b41c1ca64894',
  workspaceCreated: '281fdf73-c6d6-4cbb-8ff5-888baf8a2fff',
  workspaceManuallyUpdated: 'd089fe7b-d5c5-4c0c-aaf5-689859f7d392',
  workspaceDeleted: 'f517da0b-cdc9-410f-ab89-a86107c420ed',
  workspaceAutobuildFailed: '381df2a9-c0c0-4749-420f-80a9280c66f9',
  workspaceManualBuildFailed: '2faeee0f-26cb-4e96-821c-85ccb9f71513',
  userAccountCreated: '4e19c0ac-94e1-4532-9515-d1801aa283b2',
  userAccountDeleted: 'f44d9314-ad03-4bc8-95d0-5cad491da6b6',
  testNotification: 'c425f63e-716a-4bf4-ae24-78348f706c3f',
} as const
