import { vi } from 'vitest';
import { parseWorkflowCommands, type WorkflowCommand } from './workflow-commands.js';

/**
 * Captures what the real @actions/core writes to stdout (workflow commands) while `action`
 * runs, so tests see exactly what the runner would see.
 */
export async function captureStdout(
  action: () => unknown,
): Promise<{ text: string; commands: WorkflowCommand[] }> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  try {
    await action();
  } finally {
    spy.mockRestore();
  }
  const text = chunks.join('');
  return { text, commands: parseWorkflowCommands(text) };
}
