export {
  createDatabaseMigratedThrough,
  createTestDatabase,
  type PartialDatabase,
  type TestDatabase,
} from './db.ts'
export { createTemplateDatabase, dropTemplateDatabase } from './template-db.ts'
export { APP_GROUP_ROLE, TEST_APP_ROLE, TEST_OWNER_ROLE, adminUrl, databaseUrl, roleUrl } from './postgres.ts'
export { freePort } from './ports.ts'
