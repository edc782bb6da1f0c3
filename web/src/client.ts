'use client';

// Client entry point: the live hook and the progress component (React, browser only).
export { useImportJob, mergeJob } from './useImportJob';
export type { UseImportJob, UseImportJobOptions, ConnectionState } from './useImportJob';
export { ImportJobProgress, percentDone, groupWarnings, formatDuration } from './ImportJobProgress';
export type { ImportJobProgressProps } from './ImportJobProgress';
export { ImportKitProvider, useImportKitClient } from './context';
