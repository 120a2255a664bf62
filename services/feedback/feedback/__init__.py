"""The feedback service: workers' questions and answers (routing, deadlines, escalation, publication), members' opinions, article comments and moderation."""
