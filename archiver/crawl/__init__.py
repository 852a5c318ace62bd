"""Crawl runs: Scrapy settings and process, runs and locks, the frontier, blocking, schedules."""
