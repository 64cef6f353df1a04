/** The startup check that the shared writing prefix can be cached at all. */
import { describe, expect, it } from 'vitest';
import { cachePrefixWarning, minimumCacheablePrefix } from '../../src/llm/cache-prefix.js';
import { loadKnowledgeBase, renderKnowledgeBase } from '../../src/llm/knowledge-base.js';
import { writingSystem } from '../../src/llm/writing.js';
import { resolveFromRoot } from '../../src/paths.js';

describe('cacheable prefix', () => {
  it('knows each model family minimum, strictest for unknown ids', () => {
    expect(minimumCacheablePrefix('claude-haiku-4-5')).toBe(4096);
    expect(minimumCacheablePrefix('claude-sonnet-4-5')).toBe(2048);
    expect(minimumCacheablePrefix('claude-opus-4-1')).toBe(1024);
    expect(minimumCacheablePrefix('some-new-model')).toBe(4096);
  });

  it('passes the shipped knowledge base for both families, and warns for a short one', () => {
    const kb = renderKnowledgeBase(loadKnowledgeBase(resolveFromRoot('knowledge-base')));
    const prefix = writingSystem(kb)
      .map((b) => b.text)
      .join('');
    expect(cachePrefixWarning('claude-sonnet-4-5', prefix)).toBeNull();
    expect(cachePrefixWarning('claude-haiku-4-5', prefix)).toBeNull();
    expect(cachePrefixWarning('claude-haiku-4-5', 'short playbook')).toMatch(
      /about 4 tokens, below the 4096/,
    );
  });
});
