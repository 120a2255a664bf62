"""Workers' questions (*Công nhân hỏi – Công đoàn trả lời*): intake with a tracking code,
the staff's workflow, deadlines and escalation, the public Q&A, the semiannual figures."""
