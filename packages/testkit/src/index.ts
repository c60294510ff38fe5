export { createTestDatabase, type TestDatabase } from './db.ts'
export { createTemplateDatabase, dropTemplateDatabase } from './template-db.ts'
