"""The toolbox every app uses, apart from the domain: background jobs that survive a broker outage (`jobs`),
sanitised markdown (`markdown`), spreadsheet-safe cells (`spreadsheet`), the audit-trail admin mixins
(`admin_records`), money as people read it and as exports keep it (`money`), form helpers (`forms`), query pieces
for annotators (`queries`), the API's shared input and output types (`api`) and the htmx-aware request type of views (`http`). Its
template tags are `{% load common %}` and `{% load money_tags %}` (projects/templatetags). Nothing here knows a
project, a decision or a toil item."""
