"""The public portal: one blueprint per area, all at the Vietnamese addresses of issue 13."""


def blueprints():
    from gateway.web.portal import account, comment_posting, feeds, library, opinions, polls, questions, reading

    # feeds first: /robots.txt and /sitemap.xml must not be taken for a section's slug
    return [feeds.bp, account.bp, library.bp, questions.bp, opinions.bp, polls.bp, comment_posting.bp, reading.bp]
