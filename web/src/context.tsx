'use client';

// ImportKitProvider hands the app's browser supabase client to the kit's components, so a
// page can write <ImportJobProgress jobId={id} /> without passing the client down.

import { createContext, useContext, type ReactNode } from 'react';
import type { ImportKitClient } from './actions';

const ClientContext = createContext<ImportKitClient | null>(null);

export function ImportKitProvider({ client, children }: { client: ImportKitClient; children: ReactNode }) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

/** useImportKitClient returns the client given as a prop, else the provider's. */
export function useImportKitClient(explicit?: ImportKitClient): ImportKitClient {
  const fromContext = useContext(ClientContext);
  const client = explicit ?? fromContext;
  if (!client) {
    throw new Error('ImportJobProgress needs a supabase client: pass client={...} or wrap the page in <ImportKitProvider client={...}>.');
  }
  return client;
}
