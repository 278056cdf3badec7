"""Understanding what customers type instead of tapping a button — pure functions of text
(and a catalog, and today's date), no I/O, no state:

- ``numbers.read_number``: one number in an answer ("九十平", "两个小时");
- ``when.read_when``: day, time, part of the day, asap ("后天下午三点", "周六上午");
- ``days.day_named``: the day a whole answer is ("12-28", "下周一", "next Monday"), what it
  leaves unwritten looked for where the caller says (``days.Toward``: a booking's day, an
  expiry, an admin's nearest day) — the one reader of days every screen shares;
- ``items.matcher_for(catalog).match``: the item, bundle or category named, with near
  misses ("日常保结", "家里空调要洗一下");
- ``repeat.find_repeat``: a repeat asked for ("每周六", "every week", "隔周"), offered or not;
- ``request.read_request``: every slot of a one-message request ("明天下午三点 90平 日常保洁
  漕溪北路88号 1201");
- ``intents.read_asked``: a question about an order the customer has (where is it, cancel,
  move, complain, refund) or a person asked for ("where is my cleaner?", "取消订单 #200964"),
  read before a request; a move keeps the new time it names ("改到后天上午10点");
- ``samples``: phrasings with their expected readings, for the tests and the benchmark.
"""
