"""Generate realistic service interactions in format v1 for benchmarks and scale tests.

    python bench/generate.py --count 100000 --seed 7 --output bench/data/100k.jsonl
    python bench/generate.py --count 10000 --format json --output bench/data/10k.json
    python bench/generate.py --count 1000 --invalid-rate 0.02 --output /tmp/mixed.jsonl

The mix imitates a contact centre plus a hospitality chain's mystery-shopper programme: phone
calls (rings, answer, greetings, holds with and without asking, transfers, closings), chats and
e-mails (complaints, apologies, promises), tickets, deliveries with promised times, and visits
with checklists, SERVQUAL surveys and service-time metrics; in Simplified Chinese, Traditional
Chinese and English. Violations occur at realistic rates (most interactions pass), including
the hard cases of the forbidden-phrase rule (polite questions, conditionals, restatements).
All utterances are written for this generator.

Output is deterministic for a seed (same seed and count give the same bytes) and streamed: one
record is built, written and dropped at a time, so 1M interactions need no more memory than 1k.
With ``--invalid-rate`` a share of records is broken on purpose (unknown key, wrong type, events
out of order, a bad time, a duplicate id), for testing that every input is accounted for.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any, TextIO

Record = dict[str, Any]

# --- phrase banks (written for this generator) ---------------------------------------------------

LANGS = ("hans", "hant", "en")
LANG_WEIGHTS = (0.5, 0.15, 0.35)

GREETINGS = {
    "hans": ["您好，{site_name}，我是{agent_name}，很高兴为您服务。", "您好，欢迎致电{site_name}，请问有什么可以帮您？",
             "早上好，{site_name}客服中心，请讲。", "你好，这里是{site_name}，请问您需要办理什么业务？"],
    "hant": ["您好，{site_name}，我是{agent_name}，很高興為您服務。", "您好，歡迎致電{site_name}，請問有什麼可以幫您？",
             "午安，{site_name}客服中心，請講。"],
    "en": ["Hello, {site_name}, this is {agent_name} speaking, how can I help you?",
           "Good morning, thank you for calling {site_name}. How may I help?",
           "Hi, you're through to {site_name} customer care, my name is {agent_name}."],
}
NO_GREETING = {
    "hans": ["喂，说吧。", "哪位？", "什么事？"],
    "hant": ["喂，說吧。", "哪位？"],
    "en": ["Yeah, what is it?", "Front desk.", "Go ahead."],
}
CUSTOMER_OPENERS = {
    "hans": ["我想改一下明天的预订，从两晚改成三晚。", "我的快递显示已签收，但我根本没收到。", "上个月的话费怎么多扣了五十块？",
             "请问你们餐厅周末需要提前订位吗？", "家里宽带从早上开始就连不上了。", "我昨天买的微波炉，插上电就跳闸。",
             "我想查一下我的积分还有多少。", "房间的空调一直不制冷，已经说了两次了。"],
    "hant": ["我想更改明天的訂房，從兩晚改成三晚。", "我的包裹顯示已簽收，但我根本沒收到。", "上個月的電話費怎麼多扣了五十元？",
             "家裡的網路從早上開始就連不上了。", "房間的冷氣一直不冷，已經反映兩次了。"],
    "en": ["I'd like to change my booking for tomorrow from two nights to three.",
           "The tracking says my parcel was delivered but I never got it.",
           "Why was I charged fifty dollars extra on last month's bill?",
           "My internet has been down since this morning.",
           "The air conditioning in my room still isn't working, this is the second time I've called.",
           "Do I need to book a table for Saturday evening?"],
}
AGENT_MIDDLE = {
    "hans": ["好的，我这边帮您查询一下。", "不知道您方便提供一下订单号吗？", "明白了，我马上为您登记。", "这个情况我已经记录下来了。",
             "系统显示您的订单已经出库，预计明天送达。", "您说的还是没办法登录吗？", "如您不知道如何操作，可以拨打我们的服务热线。",
             "在您不知道密码的情况下，可以通过短信验证重置。", "已经为您申请了补偿，三个工作日内到账。", "我帮您把问题转给技术部门跟进。"],
    "hant": ["好的，我這邊幫您查詢一下。", "不知道您方便提供一下訂單號碼嗎？", "明白了，我馬上為您登記。", "系統顯示您的訂單已經出庫，預計明天送達。",
             "您說的還是沒辦法登入嗎？", "已經為您申請了補償，三個工作天內入帳。"],
    "en": ["Let me look that up for you.", "Could you give me your booking reference, please?",
           "I've noted that down and raised a ticket.", "If you don't know your booking number, your email address works too.",
           "The system shows it left our warehouse this morning.", "I've applied a credit to your account.",
           "I'll pass this on to our technical team right away."],
}
FORBIDDEN = {
    "hans": ["这个我不知道，你自己去问吧。", "这个我们确实没办法。", "我不太清楚，这不归我管。", "我们规定就是这样，没办法。"],
    "hant": ["這個我不知道，你自己去問吧。", "這個我們確實沒辦法。", "我不太清楚，這不歸我管。"],
    "en": ["I don't know, that's not my job.", "There's nothing I can do about that.", "Not my problem, sorry."],
}
# Over-promising (话说得太满), what speech.no-over-promising flags; one polite guarantee asked
# back as a question is not one.
OVER_PROMISING = {
    "hans": ["您放心，绝对没问题！", "我向您保证，这种事永远不会再发生了。", "百分之百解决，您放心。", "您是说能不能保证明天送到吗？"],
    "hant": ["您放心，絕對沒問題！", "我向您保證，這種事永遠不會再發生了。"],
    "en": ["Don't worry, I guarantee it will be fixed today.", "This will never happen again, I promise.",
           "Can I guarantee it? Let me check with the warehouse first."],
}
HOLD_ASK = {
    "hans": ["好的，请您稍等，我帮您查一下。", "麻烦您稍等一下，我确认一下库存。", "请稍候，我帮您转接。"],
    "hant": ["好的，請您稍等，我幫您查一下。", "麻煩您稍等一下，我確認一下。"],
    "en": ["One moment please, I'll check that for you.", "May I put you on hold for a minute?", "Please hold while I check."],
}
HOLD_NO_ASK = {
    "hans": ["好的。", "嗯，我看看。"],
    "hant": ["好的。", "嗯，我看看。"],
    "en": ["Okay.", "Right, let me see."],
}
AFTER_HOLD = {
    "hans": ["感谢您的耐心等待。", "让您久等了。"],
    "hant": ["感謝您的耐心等候。", "讓您久等了。"],
    "en": ["Thank you for waiting.", "Sorry to keep you waiting."],
}
APOLOGY = {
    "hans": ["非常抱歉给您带来不便。", "实在对不起，这是我们的失误。", "不好意思让您久等了。"],
    "hant": ["非常抱歉給您帶來不便。", "實在對不起，這是我們的疏失。"],
    "en": ["I'm really sorry about the inconvenience.", "I do apologise, that shouldn't have happened.", "Sorry for the trouble."],
}
SATISFACTION = {
    "hans": ["请问还有什么可以帮您的吗？", "这样处理您满意吗？", "您还有其他问题吗？"],
    "hant": ["請問還有什麼可以幫您的嗎？", "這樣處理您滿意嗎？"],
    "en": ["Is there anything else I can help you with?", "Are you happy with that solution?"],
}
CLOSINGS = {
    "hans": ["感谢您的来电，再见！", "谢谢您的耐心，祝您生活愉快。", "好的，再见。"],
    "hant": ["感謝您的來電，再見！", "謝謝您的耐心，祝您生活愉快。"],
    "en": ["Thanks for calling, goodbye!", "Thank you, have a nice day.", "Bye now."],
}
NO_CLOSING = {
    "hans": ["就这样吧。", "行，那先这样。"],
    "hant": ["就這樣吧。", "好，那先這樣。"],
    "en": ["That's it then.", "Okay, done."],
}
CUSTOMER_REPLIES = {
    "hans": ["好的，谢谢。", "订单号是{ref}。", "那要等多久？", "可以，就这么办吧。", "你们每次都这么说！", "嗯嗯，明白了。"],
    "hant": ["好的，謝謝。", "訂單號碼是{ref}。", "那要等多久？", "可以，就這樣辦吧。", "你們每次都這樣說！"],
    "en": ["Okay, thanks.", "It's {ref}.", "How long will that take?", "Fine, let's do that.", "You said that last time!", "Right, got it."],
}
PROMISES = {
    "hans": ["今晚十点前恢复宽带并通知客户", "明天中午前上门维修", "两小时内回电", "三个工作日内退款"],
    "hant": ["今晚十點前恢復網路並通知客戶", "明天中午前到府維修", "兩小時內回電"],
    "en": ["call back within two hours", "deliver the replacement by noon tomorrow", "refund within three working days"],
}
SITES = {
    "hans": [("hotel-shanghai-bund", "外滩酒店"), ("telecom-cs-guangzhou", "南方电信"), ("mall-chengdu-taikoo", "太古里商场"),
             ("express-beijing-03", "顺达快递")],
    "hant": [("hotel-taipei-xinyi", "信義酒店"), ("telecom-cs-hongkong", "港島電訊")],
    "en": [("hotel-london-strand", "Strand Hotel"), ("bank-cs-manchester", "Northway Bank"),
           ("restaurant-nyc-soho", "Soho Kitchen")],
}
AGENT_NAMES = {"hans": ["小陈", "小王", "李经理", "小张"], "hant": ["小林", "陳專員"], "en": ["Amy", "Tom", "Priya", "Daniel"]}
CHECKLIST_ITEMS = ("greeted_promptly", "staff_groomed", "environment_clean", "accompanied_guest", "helped_with_luggage",
                   "smile_eye_contact")
DIMENSIONS = ("tangibles", "reliability", "responsiveness", "assurance", "empathy")

CHANNELS = ("phone", "chat", "email", "ticket", "delivery", "visit")
CHANNEL_WEIGHTS = (0.40, 0.22, 0.08, 0.05, 0.12, 0.13)
OFFSETS = {"hans": timezone(timedelta(hours=8)), "hant": timezone(timedelta(hours=8)), "en": timezone.utc}
EPOCH = datetime(2026, 3, 1, tzinfo=timezone.utc)


class Generator:
    """Builds one interaction at a time from a seeded random stream."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    # -- helpers -----------------------------------------------------------------------------------

    def _pick(self, bank: dict[str, list[str]], lang: str, **fields: str) -> str:
        text = self.rng.choice(bank[lang])
        return text.format(**fields) if fields else text

    def _start(self, lang: str) -> datetime:
        seconds = self.rng.randrange(0, 60 * 86400)
        return (EPOCH + timedelta(seconds=seconds)).astimezone(OFFSETS[lang])

    def _base(self, number: int, channel: str, lang: str) -> tuple[Record, dict[str, str], datetime]:
        site, site_name = self.rng.choice(SITES[lang])
        agent_name = self.rng.choice(AGENT_NAMES[lang])
        start = self._start(lang)
        record: Record = {
            "id": f"gen-{channel}-{number:07d}",
            "channel": channel,
            "site": site,
            "agent": f"{site.split('-')[0].upper()}-{self.rng.randrange(1, 60):03d}",
            "source": "bench-generator",
            "started_at": start.isoformat(timespec="seconds"),
        }
        fields = {"site_name": site_name, "agent_name": agent_name, "ref": f"R{self.rng.randrange(10**7, 10**8)}"}
        return record, fields, start

    def _conversation(
        self, lang: str, fields: dict[str, str], complaint: bool, t: float, voice: bool
    ) -> tuple[list[Record], float]:
        """Customer/agent turns after the greeting; may include a forbidden phrase, an over-promise,
        transfers and,
        on the phone (`voice`), holds."""
        rng = self.rng
        events: list[Record] = []

        def say(speaker: str, text: str) -> None:
            nonlocal t
            t += rng.randint(2, 25)
            events.append({"type": "utterance", "at": t, "speaker": speaker, "text": text})

        say("customer", self._pick(CUSTOMER_OPENERS, lang))
        if complaint and rng.random() < 0.85:
            say("agent", self._pick(APOLOGY, lang))
        for _ in range(rng.randint(1, 4)):
            draw = rng.random()
            if draw < 0.05:
                say("agent", self._pick(FORBIDDEN, lang))
            elif draw < 0.08:
                say("agent", self._pick(OVER_PROMISING, lang))
            else:
                say("agent", self._pick(AGENT_MIDDLE, lang))
            if voice and rng.random() < 0.25:
                asked = rng.random() < 0.85
                say("agent", self._pick(HOLD_ASK if asked else HOLD_NO_ASK, lang))
                t += 1
                seconds = rng.randint(10, 180)
                events.append({"type": "hold", "at": t, "seconds": seconds})
                t += seconds
                say("agent", self._pick(AFTER_HOLD, lang))
            if rng.random() < (0.25 if complaint else 0.08):
                t += 2
                events.append({"type": "transfer", "at": t, "to": rng.choice(["billing", "technical", "supervisor", "L2"])})
            say("customer", self._pick(CUSTOMER_REPLIES, lang, ref=fields["ref"]))
        if complaint and rng.random() < 0.8:
            say("agent", self._pick(SATISFACTION, lang))
            say("customer", self._pick(CUSTOMER_REPLIES, lang, ref=fields["ref"]))
        return events, t

    def _promise(self, lang: str, t: float, pid: str, span: int) -> list[Record]:
        """A promise and (usually) its fulfilment: on time 85%, late 10%, never 5%."""
        rng = self.rng
        due = t + span
        events: list[Record] = [{"type": "promise", "at": t, "id": pid, "what": self._pick(PROMISES, lang), "due": due}]
        roll = rng.random()
        if roll < 0.85:
            events.append({"type": "fulfilled", "at": t + rng.randint(span // 4, span), "promise": pid})
        elif roll < 0.95:
            events.append({"type": "fulfilled", "at": due + rng.randint(60, 5400), "promise": pid})
        return events

    # -- channels ----------------------------------------------------------------------------------

    def phone(self, number: int, lang: str) -> Record:
        rng = self.rng
        record, fields, _ = self._base(number, "phone", lang)
        complaint = rng.random() < 0.15
        rings = rng.choices((1, 2, 3, 4, 5, 6), weights=(30, 35, 20, 8, 5, 2))[0]
        events: list[Record] = [{"type": "ring", "at": 5 * i} for i in range(rings)]
        t = 5.0 * rings - 2
        events.append({"type": "answer", "at": t})
        if rng.random() < 0.5:
            record["metrics"] = {"rings": rings, "queue_seconds": rng.randint(0, 240)}
        greeting = GREETINGS if rng.random() < 0.92 else NO_GREETING
        t += 1
        events.append({"type": "utterance", "at": t, "speaker": "agent", "text": self._pick(greeting, lang, **fields)})
        talk, t = self._conversation(lang, fields, complaint, t, voice=True)
        events += talk
        closing = CLOSINGS if rng.random() < 0.88 else NO_CLOSING
        t += rng.randint(2, 10)
        events.append({"type": "utterance", "at": t, "speaker": "agent", "text": self._pick(closing, lang)})
        events.append({"type": "end", "at": t + 3})
        record["events"] = events
        if complaint:
            record["tags"] = ["complaint"]
        return record

    def _written(self, number: int, lang: str, channel: str) -> Record:
        """Chat, e-mail and ticket threads: absolute timestamps, frequent complaints and promises."""
        rng = self.rng
        record, fields, start = self._base(number, channel, lang)
        del record["started_at"]
        complaint = rng.random() < (0.35 if channel != "chat" else 0.25)
        talk, t = self._conversation(lang, fields, complaint, 0.0, voice=False)
        scale = 1 if channel == "chat" else 120  # e-mails and tickets answer in hours, not seconds
        if complaint and scale > 1 and rng.random() < 0.15:
            # A complaint e-mail left unanswered for one to four hours (promised: within one).
            late = rng.randint(31, 120)
            for event in talk[1:]:
                event["at"] += late
        if rng.random() < 0.3:
            at = talk[-1]["at"] + 5
            talk += self._promise(lang, at, "p1", rng.choice((1800, 7200, 86400)) // (1 if scale > 1 else 4))
        for event in talk:
            for key in ("at", "due"):
                if key in event:
                    event[key] = (start + timedelta(seconds=event[key] * scale)).isoformat(timespec="seconds")
        record["events"] = talk
        record["tags"] = (["complaint"] if complaint else []) + [rng.choice(["billing", "broadband", "booking", "refund"])]
        return record

    def delivery(self, number: int, lang: str) -> Record:
        rng = self.rng
        record, _, _ = self._base(number, "delivery", lang)
        events: list[Record] = []
        t = 0.0
        for index in range(rng.choice((1, 1, 1, 2))):
            events += self._promise(lang, t, f"d{index + 1}", rng.choice((3600, 7200, 14400)))
            t = max(e["at"] for e in events) + 60
        events.sort(key=lambda e: e["at"])
        record["events"] = events
        record["metrics"] = {"parcels": rng.randint(1, 4), "distance_km": round(rng.uniform(0.5, 30.0), 1)}
        return record

    def visit(self, number: int, lang: str) -> Record:
        rng = self.rng
        record, _, _ = self._base(number, "visit", lang)
        record["source"] = "mystery-shopper"
        record["wave"] = "2026-Q1"
        checklist: dict[str, bool | None] = {}
        for item in CHECKLIST_ITEMS:
            roll = rng.random()
            checklist[item] = None if roll < 0.1 else roll < 0.92
        record["checklist"] = checklist
        metrics: dict[str, float | int] = {}
        kind = rng.choice(("hotel", "restaurant", "fast-food"))
        if kind == "hotel":
            metrics["checkout_seconds"] = rng.choices((rng.randint(60, 180), rng.randint(181, 600)), weights=(85, 15))[0]
        elif kind == "restaurant":
            metrics["first_dish_minutes"] = rng.choices((rng.randint(3, 10), rng.randint(11, 30)), weights=(85, 15))[0]
        else:
            metrics["fries_held_minutes"] = rng.choices((rng.randint(1, 7), rng.randint(8, 15)), weights=(90, 10))[0]
            metrics["burger_held_minutes"] = rng.choices((rng.randint(2, 10), rng.randint(11, 20)), weights=(90, 10))[0]
            metrics["coffee_held_minutes"] = rng.randint(5, 40)
        record["metrics"] = metrics
        if rng.random() < 0.6:
            expected = {d: rng.randint(5, 7) for d in DIMENSIONS}
            perceived = {d: max(1, min(7, expected[d] + rng.choice((-2, -1, 0, 0, 0, 1)))) for d in DIMENSIONS}
            record["survey"] = {"expected": expected, "perceived": perceived}
        return record

    def interaction(self, number: int) -> Record:
        channel = self.rng.choices(CHANNELS, weights=CHANNEL_WEIGHTS)[0]
        lang = self.rng.choices(LANGS, weights=LANG_WEIGHTS)[0]
        if channel == "phone":
            return self.phone(number, lang)
        if channel in ("chat", "email", "ticket"):
            return self._written(number, lang, channel)
        if channel == "delivery":
            return self.delivery(number, lang)
        return self.visit(number, lang)

    # -- deliberately invalid records ---------------------------------------------------------------

    def break_record(self, record: Record, previous_id: str | None) -> Record:
        """One schema or consistency violation, each of a kind svccheck must report."""
        how = self.rng.choice(("unknown-key", "wrong-type", "out-of-order", "bad-time", "duplicate-id", "no-channel"))
        if how == "duplicate-id" and previous_id is not None:
            record["id"] = previous_id
        elif how == "out-of-order" and len(record.get("events", ())) >= 2:
            record["events"][0]["at"], record["events"][-1]["at"] = record["events"][-1]["at"], record["events"][0]["at"]
        elif how == "bad-time":
            record["started_at"] = "2026-03-02 18:00"
        elif how == "wrong-type":
            record["tags"] = "complaint"
        elif how == "no-channel":
            del record["channel"]
        else:
            record["operator"] = "unknown"
        return record


def interactions(count: int, seed: int, invalid_rate: float = 0.0) -> Iterator[Record]:
    """`count` interactions, deterministic for `seed`; a share `invalid_rate` broken on purpose."""
    generator = Generator(seed)
    breaker = random.Random(seed + 1)  # separate stream: the valid records do not depend on the rate
    previous: str | None = None
    for number in range(1, count + 1):
        record = generator.interaction(number)
        if invalid_rate and breaker.random() < invalid_rate:
            record = generator.break_record(record, previous)
        else:
            previous = record["id"]
        yield record


def write(records: Iterator[Record], out: TextIO, fmt: str) -> int:
    """Write records as JSON Lines or as one JSON array, one record at a time."""
    written = 0
    if fmt == "json":
        out.write("[\n")
    for record in records:
        text = json.dumps(record, ensure_ascii=False, separators=(", ", ": "))
        if fmt == "json":
            out.write((",\n" if written else "") + text)
        else:
            out.write(text + "\n")
        written += 1
    if fmt == "json":
        out.write("\n]\n")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=1000, help="number of interactions (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--format", choices=("jsonl", "json"), default="jsonl")
    parser.add_argument("--invalid-rate", type=float, default=0.0, help="share of broken records (default 0)")
    parser.add_argument("--output", default="-", help="output file (default: standard output)")
    args = parser.parse_args(argv)
    if args.output == "-":
        write(interactions(args.count, args.seed, args.invalid_rate), sys.stdout, args.format)
    else:
        with open(args.output, "w", encoding="utf-8", newline="\n") as handle:
            write(interactions(args.count, args.seed, args.invalid_rate), handle, args.format)
    return 0


if __name__ == "__main__":
    sys.exit(main())
