// Server-safe entry point: types, actions and errors (no React). Client pieces are in
// './client' ('use client').
export type { Database, Json } from './database.types';
export * from './results';
export * from './errors';
export * from './actions';
