"""Strings of ui/jobs.py: what a learner reads when the line of heavy jobs is full or their job stops early."""
from __future__ import annotations

STRINGS = {
    "job.busy": {
        "en": "The server is busy: {ahead} long {ahead:job runs|jobs run} or {ahead:waits|wait} ahead of yours, more than the line holds. Nothing was queued for you: try again in a minute.",
        "zh": "服务器正忙：你前面已有 {ahead} 个长任务在运行或排队，超过了队列的容量。你的任务没有进入队列：请过一分钟再试。",
    },
    "job.retry": {"en": "Try again", "zh": "再试一次"},
    "job.replaced": {
        "en": "This run was stopped because you asked for a newer one (in this tab or another): each learner has one long job at a time, so a class shares the line fairly.",
        "zh": "这次运行已停止，因为你（在这个或另一个标签页里）请求了新的运行：每位学习者同一时间只有一个长任务，全班才能公平地共用队列。",
    },
    "job.time": {
        "en": "This run was stopped after {seconds} s, the limit for one long job on this server, so that the others in line get their turn. Try fewer tokens or steps, or try again when the server is quieter.",
        "zh": "这次运行在 {seconds} 秒后被停止：这是本服务器上单个长任务的时间上限，这样排队的其他人才能轮到。请减少词元数或步数，或等服务器空闲一些再试。",
    },
}
