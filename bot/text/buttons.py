"""Quick-reply buttons several answers share, titled from the message catalogue (buttons.*), in
the default language."""

from __future__ import annotations

from bot.text import messages

SALES = messages.button("buttons.sales", "/request_sales_contact")
ADVICE = messages.button("buttons.advice", "/ask_advice")
SERVICES = messages.button("buttons.services", "/ask_catalogue_service")
ESTIMATE = messages.button("buttons.estimate", "/ask_service_price")
START_OVER = messages.button("buttons.start_over", "/ask_advice")
PRICE = messages.button("buttons.price", "/ask_service_price")
SLA = messages.button("buttons.sla", "/ask_service_sla")
SOMETHING_ELSE = messages.button("buttons.something_else", "/help")
