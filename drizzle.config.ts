import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` writes a new numbered migration from the difference between the tables
// and the last snapshot. Committed migrations are never edited.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './src/db/migrations',
  casing: 'snake_case',
});
