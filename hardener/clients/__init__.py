"""Client specs: one declarative module per MCP client, a registry, discovery (L1 pure core)."""
