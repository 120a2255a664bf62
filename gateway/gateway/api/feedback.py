"""Feedback area: workers' questions and their tracking page, the public Q&A (cached),
members' opinions, comments on articles and their moderation, holidays and settings."""

from flask import Response, current_app, request
from flask.views import MethodView

from gateway.api.common import (
    Blueprint,
    cached,
    call,
    client_address,
    documented,
    forward,
    needs_body,
    query_args,
    replies,
)
from gateway.auth import ANONYMOUS, current_actor
from gateway.rpc import RawJson
from platform_shared.schemas import feedback as api

questions = Blueprint(
    "questions", __name__, url_prefix="/api/v1/questions", description="Công nhân hỏi – Công đoàn trả lời"
)
public_questions = Blueprint(
    "public_questions", __name__, url_prefix="/api/v1/public/questions", description="Hỏi – đáp đã đăng (công khai)"
)
opinions = Blueprint("opinions", __name__, url_prefix="/api/v1/opinions", description="Ý kiến đoàn viên")
comments = Blueprint("comments", __name__, url_prefix="/api/v1/comments", description="Kiểm duyệt bình luận")
article_comments = Blueprint(
    "article_comments", __name__, url_prefix="/api/v1/articles", description="Bình luận bài viết"
)
holidays = Blueprint("holidays", __name__, url_prefix="/api/v1/holidays", description="Ngày nghỉ lễ (tính hạn trả lời)")
blueprints = (questions, public_questions, opinions, comments, article_comments, holidays)
SECURED = [{"bearer": []}]
QUESTION_ACTIONS = {
    "assign": (api.Assign, "Giao câu hỏi cho cán bộ trả lời (mặc định: chính mình)."),
    "answer": (api.Answer, "Soạn câu trả lời (lần đầu: dừng tính hạn)."),
    "approve": (api.NoFields, "Duyệt câu trả lời (quản trị viên đơn vị)."),
    "publish": (api.Publish, "Đăng câu trả lời; public=true để đưa lên mục Hỏi – đáp."),
    "unpublish": (api.NoFields, "Gỡ khỏi mục Hỏi – đáp."),
    "reject": (api.RejectReason, "Không tiếp nhận (spam, ngoài phạm vi) kèm lý do."),
    "transfer": (api.Transfer, "Chuyển sang đơn vị khác xử lý (giữ nguyên lịch sử)."),
}


def _signed_in():
    current_actor()


# Who may call without signing in: asking a question and tracking it by its code, reading the
# open national opinion topics (the portal's page; the feedback service decides what an
# anonymous visitor sees). Everything else on these blueprints authenticates before its
# arguments are read, so an anonymous caller gets 401, never a validation answer about a body
# they may not send.
OPEN_TO_ANONYMOUS = {
    ("questions.Questions", "POST"),
    ("questions.track", "GET"),
    ("opinions.Topics", "GET"),
    ("opinions.topic", "GET"),
}


def _signed_in_unless_anonymous():
    if (request.endpoint, request.method) not in OPEN_TO_ANONYMOUS:
        current_actor()


holidays.before_request(_signed_in)
for _bp in (questions, comments, opinions):
    _bp.before_request(_signed_in_unless_anonymous)


# -- questions ----------------------------------------------------------------------------


@questions.route("")
class Questions(MethodView):
    @questions.arguments(api.QuestionListArgs(), location="query")
    @replies(questions, 200, api.QuestionPage)
    @questions.doc(security=SECURED)
    @documented(questions, 401, 403, 422, 503)
    def get(self, _args):
        """Câu hỏi của đơn vị mình và câu hỏi quá hạn được chuyển lên (cán bộ); overdue=true: quá hạn."""
        return forward("feedback", "list_questions", current_actor(), query_args())

    @questions.arguments(api.QuestionCreate())
    @replies(questions, 201, api.QuestionReceipt, description="Mã tra cứu và hạn trả lời")
    @documented(questions, 401, 422, 429, 503)
    def post(self, data):
        """Gửi câu hỏi (đoàn viên đăng nhập, hoặc khách kèm họ tên và số điện thoại/e-mail). Trả về mã tra cứu."""
        actor = current_actor(required=False)
        return forward("feedback", "ask_question", actor, data, client_address(), status=201)


@questions.route("/track/<tracking_code>", methods=["GET"])
@replies(questions, 200, api.QuestionTracking)
@documented(questions, 404, 429, 503)
def track(tracking_code):
    """Tra cứu câu hỏi bằng mã: trạng thái và câu trả lời đã đăng (không có thông tin cá nhân)."""
    return forward("feedback", "track_question", ANONYMOUS, tracking_code, client_address())


@questions.route("/settings")
class QuestionSettings(MethodView):
    @replies(questions, 200, api.FeedbackSettingsRead)
    @questions.doc(security=SECURED)
    @documented(questions, 401, 403, 503)
    def get(self):
        """Số ngày làm việc để trả lời của đơn vị."""
        return forward("feedback", "get_settings", current_actor())

    @questions.arguments(api.FeedbackSettings())
    @replies(questions, 200, api.FeedbackSettingsRead)
    @questions.doc(security=SECURED)
    @documented(questions, 401, 403, 422, 503)
    def patch(self, data):
        """Đổi số ngày làm việc để trả lời (quản trị viên đơn vị)."""
        return forward("feedback", "update_settings", current_actor(), data)


@questions.route("/<question_id>", methods=["GET"])
@replies(questions, 200, api.QuestionDetailRead)
@questions.doc(security=SECURED)
@documented(questions, 401, 403, 404, 503)
def get_question(question_id):
    """Một câu hỏi kèm lịch sử xử lý (cán bộ của đơn vị)."""
    return forward("feedback", "get_question", current_actor(), question_id)


def _question_action(action, schema, doc):
    def view(data, question_id):
        return forward("feedback", "question_action", current_actor(), question_id, action, data)

    view.__name__ = f"{action}_question"
    view.__doc__ = doc
    view = documented(questions, 401, 403, 404, 409, 422, 503)(view)
    view = questions.doc(security=SECURED)(view)
    view = replies(questions, 200, api.QuestionRead)(view)
    view = questions.arguments(schema(), required=needs_body(schema))(view)
    return questions.route(f"/<question_id>/{action}", methods=["POST"])(view)


for _action, (_schema, _doc) in QUESTION_ACTIONS.items():
    _question_action(_action, _schema, _doc)


# -- public Q&A (cached) ----------------------------------------------------------------------


@public_questions.route("", methods=["GET"])
@public_questions.arguments(api.PublicQuestionArgs(), location="query")
@replies(public_questions, 200, api.PublicQuestionPage)
@cached(public_questions)
@documented(public_questions, 404, 422, 503)
def list_public_questions(_args):
    """Hỏi – đáp đã đăng: lọc theo lĩnh vực, tìm kiếm tiếng Việt có dấu hoặc không dấu."""
    cache = current_app.extensions["public_cache"]
    key = request.full_path
    entry = cache.lookup(key, "questions")
    if entry is None:
        generation = cache.generation_now("questions")
        body = call("feedback", "public_questions", ANONYMOUS, query_args(), raw=True)
        text = body if isinstance(body, RawJson) else current_app.json.dumps(body)
        entry = cache.store(key, text, generation, "questions")
    headers = {"ETag": entry.etag, "Cache-Control": "public, max-age=15", "Vary": "Accept-Encoding"}
    if entry.etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        return Response(status=304, headers=headers)
    return Response(entry.body, status=200, mimetype="application/json", headers=headers)


# -- opinions -----------------------------------------------------------------------------------


@opinions.route("")
class Opinions(MethodView):
    @opinions.arguments(api.OpinionListArgs(), location="query")
    @replies(opinions, 200, api.OpinionStaffPage, description="Cán bộ: kèm thông tin kiểm duyệt; đoàn viên: không")
    @opinions.doc(security=SECURED)
    @documented(opinions, 401, 404, 422, 503)
    def get(self, _args):
        """Ý kiến: cán bộ đơn vị mở chủ đề thấy tất cả (để kiểm duyệt); đoàn viên thấy ý kiến đã đăng."""
        return forward("feedback", "list_opinions", current_actor(), query_args())

    @opinions.arguments(api.OpinionCreate())
    @replies(opinions, 201, api.OpinionStaffRead)
    @opinions.doc(security=SECURED)
    @documented(opinions, 401, 403, 404, 409, 422, 429, 503)
    def post(self, data):
        """Góp ý kiến về một chủ đề đang lấy ý kiến (chờ kiểm duyệt)."""
        return forward("feedback", "give_opinion", current_actor(), data, status=201)


@opinions.route("/topics")
class Topics(MethodView):
    @opinions.arguments(api.TopicListArgs(), location="query")
    @replies(opinions, 200, api.TopicPage)
    @documented(opinions, 401, 422, 503)
    def get(self, _args):
        """Chủ đề lấy ý kiến: của Tổng Liên đoàn và của đơn vị mình; chưa đăng nhập: chủ đề toàn quốc đang mở."""
        return forward("feedback", "list_topics", current_actor(required=False), query_args())

    @opinions.arguments(api.TopicCreate())
    @replies(opinions, 201, api.TopicRead)
    @opinions.doc(security=SECURED)
    @documented(opinions, 401, 403, 422, 503)
    def post(self, data):
        """Mở chủ đề lấy ý kiến đoàn viên (quản trị viên đơn vị)."""
        return forward("feedback", "create_topic", current_actor(), data, status=201)


@opinions.route("/topics/<topic_id>", methods=["GET"])
@opinions.arguments(api.TopicArgs(), location="query")
@replies(opinions, 200, api.TopicRead)
@documented(opinions, 401, 404, 422, 503)
def topic(_args, topic_id):
    """Một chủ đề (chưa đăng nhập: chủ đề toàn quốc đang mở); moderated=true: chỉ chủ đề mình xử lý ý kiến."""
    return forward("feedback", "get_topic", current_actor(required=False), topic_id, query_args())


def _topic_action(action, schema, doc):
    def view(data, topic_id):
        return forward("feedback", "topic_action", current_actor(), topic_id, action, data)

    view.__name__ = f"{action}_topic"
    view.__doc__ = doc
    view = documented(opinions, 401, 403, 404, 409, 422, 503)(view)
    view = opinions.doc(security=SECURED)(view)
    view = replies(opinions, 200, api.TopicRead)(view)
    view = opinions.arguments(schema(), required=needs_body(schema))(view)
    return opinions.route(f"/topics/<topic_id>/{action}", methods=["POST"])(view)


_topic_action("open", api.TopicReopen, "Mở lại chủ đề đã đóng (closes_on: ngày kết thúc mới).")
_topic_action("close", api.NoFields, "Đóng chủ đề: không nhận thêm ý kiến.")


def _opinion_action(action, schema, doc):
    def view(data, opinion_id):
        return forward("feedback", "opinion_action", current_actor(), opinion_id, action, data)

    view.__name__ = f"{action}_opinion"
    view.__doc__ = doc
    view = documented(opinions, 401, 403, 404, 409, 422, 503)(view)
    view = opinions.doc(security=SECURED)(view)
    view = replies(opinions, 200, api.OpinionStaffRead)(view)
    view = opinions.arguments(schema(), required=needs_body(schema))(view)
    return opinions.route(f"/<opinion_id>/{action}", methods=["POST"])(view)


for _action, _schema, _doc in (
    ("publish", api.NoFields, "Đăng ý kiến."),
    ("hide", api.NoFields, "Ẩn ý kiến."),
    ("answer", api.Answer, "Trả lời ý kiến."),
):
    _opinion_action(_action, _schema, _doc)


# -- comments -------------------------------------------------------------------------------------


@article_comments.route("/<article_id>/comments")
class ArticleComments(MethodView):
    @article_comments.arguments(api.CommentListArgs(), location="query")
    @replies(article_comments, 200, api.CommentStaffPage, description="Người kiểm duyệt: kèm thông tin kiểm duyệt")
    @documented(article_comments, 404, 422, 503)
    def get(self, _args, article_id):
        """Bình luận đã đăng của một bài (status=pending|hidden: người kiểm duyệt)."""
        return forward("feedback", "list_comments", current_actor(required=False), article_id, query_args())

    @article_comments.arguments(api.CommentCreate())
    @replies(article_comments, 201, api.CommentStaffRead)
    @documented(article_comments, 401, 403, 404, 422, 429, 503)
    def post(self, data, article_id):
        """Bình luận bài đã đăng (văn bản thuần, tiếng Việt có dấu); chờ kiểm duyệt nếu chuyên mục yêu cầu."""
        actor = current_actor(required=False)
        return forward("feedback", "add_comment", actor, article_id, data, client_address(), status=201)


@article_comments.route("/<article_id>/comments/rules", methods=["GET"])
@replies(article_comments, 200, api.CommentRulesRead)
@documented(article_comments, 401, 404, 503)
def comment_rules(article_id):
    """Trước khi gửi bình luận: người đọc này có được bình luận không (khách: khi chuyên mục cho phép),
    khách có phải ghi tên không, bình luận có phải chờ duyệt không."""
    return forward("feedback", "comment_rules", current_actor(required=False), article_id)


@comments.route("", methods=["GET"])
@comments.arguments(api.CommentQueueArgs(), location="query")
@replies(comments, 200, api.CommentStaffPage)
@comments.doc(security=SECURED)
@documented(comments, 401, 403, 422, 503)
def moderation_queue(_args):
    """Bình luận của đơn vị mình: chờ duyệt (status=pending, mặc định), bị báo cáo (reported), đã ẩn, đã đăng."""
    return forward("feedback", "moderation_queue", current_actor(), query_args())


@comments.route("/waiting", methods=["GET"])
@replies(comments, 200, api.WaitingModerationRead)
@comments.doc(security=SECURED)
@documented(comments, 401, 503)
def waiting_moderation():
    """Số bình luận chờ duyệt, bị báo cáo và ý kiến chờ xử lý của mình (null: không phải việc của vai trò)."""
    return forward("feedback", "count_waiting_moderation", current_actor())


@comments.route("/settings")
class CommentSettings(MethodView):
    @replies(comments, 200, api.CommentSectionsRead)
    @comments.doc(security=SECURED)
    @documented(comments, 401, 403, 503)
    def get(self):
        """Thiết lập bình luận của các chuyên mục mình thấy (may_change: mình được thay đổi)."""
        return forward("feedback", "list_comment_settings", current_actor())

    @comments.arguments(api.CommentSettings())
    @replies(comments, 200, api.CommentSettingsRead)
    @comments.doc(security=SECURED)
    @documented(comments, 401, 403, 422, 503)
    def patch(self, data):
        """Chuyên mục: duyệt trước khi đăng, cho phép khách bình luận."""
        return forward("feedback", "put_comment_settings", current_actor(), data)


@comments.route("/<comment_id>/report", methods=["POST"])
@comments.arguments(api.Report(), required=False)
@replies(comments, 200, api.CommentReported)
@comments.doc(security=SECURED)
@documented(comments, 401, 404, 422, 503)
def report_comment(data, comment_id):
    """Báo cáo bình luận vi phạm; 3 người khác nhau báo cáo thì bình luận tự ẩn."""
    return forward("feedback", "report_comment", current_actor(), comment_id, data)


def _comment_action(action, doc):
    def view(comment_id):
        return forward("feedback", "comment_action", current_actor(), comment_id, action)

    view.__name__ = f"{action}_comment"
    view.__doc__ = doc
    view = documented(comments, 401, 403, 404, 409, 503)(view)
    view = comments.doc(security=SECURED)(view)
    view = replies(comments, 200, api.CommentStaffRead)(view)
    return comments.route(f"/<comment_id>/{action}", methods=["POST"])(view)


_comment_action("approve", "Duyệt (hiện) bình luận.")
_comment_action("hide", "Ẩn bình luận.")


# -- holidays ---------------------------------------------------------------------------------------


@holidays.route("")
class Holidays(MethodView):
    @holidays.arguments(api.HolidayListArgs(), location="query")
    @replies(holidays, 200, api.HolidayRead(many=True))
    @holidays.doc(security=SECURED)
    @documented(holidays, 401, 422, 503)
    def get(self, _args):
        """Ngày nghỉ lễ và ngày làm bù dùng để tính hạn trả lời."""
        return forward("feedback", "list_holidays", current_actor(), query_args())

    @holidays.arguments(api.HolidayWrite())
    @replies(holidays, 200, api.HolidayRead)
    @holidays.doc(security=SECURED)
    @documented(holidays, 401, 403, 422, 503)
    def post(self, data):
        """Thêm hoặc sửa một ngày nghỉ lễ / ngày làm bù (quản trị viên hệ thống)."""
        return forward("feedback", "put_holiday", current_actor(), data)


@holidays.route("/<day>", methods=["DELETE"])
@replies(holidays, 200, api.HolidayDeleted)
@holidays.doc(security=SECURED)
@documented(holidays, 401, 403, 404, 422, 503)
def delete_holiday(day):
    """Xóa một ngày khỏi bảng ngày nghỉ (quản trị viên hệ thống)."""
    return forward("feedback", "delete_holiday", current_actor(), day)
