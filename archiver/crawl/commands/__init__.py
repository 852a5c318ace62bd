"""Scrapy commands of this project (settings COMMANDS_MODULE): ``scrapy crawl`` with arguments
checked before the reactor starts."""
