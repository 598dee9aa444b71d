"""What every form that takes typed answers shares (the lead form, the sourcing advisor).

`words`: what a message says about the form itself (stop, skip, skip the rest, yes/no, not sure,
a question of its own). `turns`: one visitor message as a form sees it, what to say back, and
how misses are counted. The per-form rules stay in bot.sales.form and bot.advisor.form.
"""
