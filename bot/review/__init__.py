"""Staff review tool: inbox, conversation view, misunderstood queue, dashboard, exports, commands."""
